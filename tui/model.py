"""The backend-neutral model: what every backend translates its wire format into.

Nothing here knows whether the data came from Sentry, GlitchTip, Bugsink or PostHog.
"""

from __future__ import annotations

import dataclasses
import enum
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


class IssueStatus(enum.StrEnum):
    """stackdeck's three states; a backend keeps its own wording in `Issue.raw_status`."""

    UNRESOLVED = "unresolved"
    RESOLVED = "resolved"
    IGNORED = "ignored"


class StatusAction(enum.StrEnum):
    """What the user can ask a server to do with an issue."""

    RESOLVE = "resolve"
    REOPEN = "reopen"
    IGNORE = "ignore"
    RESOLVE_NEXT_RELEASE = "resolve_next_release"


class Feature(enum.StrEnum):
    """Triage a backend may or may not offer; `Capabilities` says why not."""

    IGNORE_FOR = "ignore_for"
    IGNORE_UNTIL_EVENTS = "ignore_until_events"
    IGNORE_UNTIL_USERS = "ignore_until_users"
    IGNORE_UNTIL_ESCALATING = "ignore_until_escalating"
    RESOLVE_NEXT_RELEASE = "resolve_next_release"
    RESOLVE_IN_RELEASE = "resolve_in_release"
    ASSIGN = "assign"
    ACTIVITY = "activity"
    COMMENT = "comment"
    SYMBOL_SETS = "symbol_sets"
    SYMBOL_UPLOAD = "symbol_upload"


@dataclass(frozen=True)
class Capabilities:
    """What a backend can do beyond resolve/reopen/ignore: every feature not in `missing` works."""

    missing: dict[Feature, str] = field(default_factory=dict)
    """Feature -> why this server cannot do it, in words for the user."""

    def supports(self, feature: Feature) -> bool:
        return feature not in self.missing

    def why_not(self, *features: Feature) -> str:
        """Why the first missing one of `features` is missing, "" when all are supported."""
        return next((self.missing[f] for f in features if f in self.missing), "")


@dataclass(frozen=True)
class Assignee:
    """Who an issue is assigned to: a Sentry user or team, a PostHog user or role."""

    kind: str
    """`user`, `team` or `role`."""
    id: str
    name: str = ""
    email: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return self.kind, self.id

    @property
    def label(self) -> str:
        shown = self.name or self.email or self.id
        return shown if self.kind == "user" else f"{self.kind}:{shown}"


@dataclass(frozen=True)
class Activity:
    """One entry of an issue's history: a comment, a status change, an assignment, ..."""

    when: datetime | None
    author: str
    kind: str
    """The server's own word: `note`, `set_resolved`, `assigned`, `comment`, ..."""
    text: str = ""


@dataclass(frozen=True)
class IgnoreUntil:
    """The condition that ends an ignore (Sentry) or mute (Bugsink); windows in minutes."""

    minutes: int | None = None
    events: int | None = None
    events_window: int | None = None
    users: int | None = None
    users_window: int | None = None
    escalating: bool = False
    until: datetime | None = None
    """When an ignore for a time ends, as the server reports it (Sentry's `ignoreUntil`)."""

    @property
    def features(self) -> tuple[Feature, ...]:
        wanted = (
            (self.minutes or self.until, Feature.IGNORE_FOR),
            (self.events, Feature.IGNORE_UNTIL_EVENTS),
            (self.users, Feature.IGNORE_UNTIL_USERS),
            (self.escalating, Feature.IGNORE_UNTIL_ESCALATING),
        )
        return tuple(feature for value, feature in wanted if value)

    def describe(self) -> str:
        parts = []
        if self.minutes:
            parts.append(f"for {self.minutes} min")
        if self.until:
            parts.append(f"until {self.until.astimezone(UTC):%Y-%m-%d %H:%M} UTC")
        if self.events:
            window = f" in {self.events_window} min" if self.events_window else ""
            parts.append(f"until {self.events} more events{window}")
        if self.users:
            window = f" in {self.users_window} min" if self.users_window else ""
            parts.append(f"until {self.users} more users{window}")
        if self.escalating:
            parts.append("until escalating")
        return ", ".join(parts)


@dataclass(frozen=True)
class StatusChange:
    """Resolve, reopen or ignore, optionally with a condition or a release."""

    action: StatusAction
    until: IgnoreUntil | None = None
    """Only with IGNORE."""
    release: str = ""
    """Only with RESOLVE: resolved in this named release."""

    def reached(self, issue: Issue) -> bool:
        """Whether `issue` is in the state this change asks for."""
        wanted = {
            StatusAction.IGNORE: IssueStatus.IGNORED,
            StatusAction.REOPEN: IssueStatus.UNRESOLVED,
        }.get(self.action, IssueStatus.RESOLVED)
        return issue.status is wanted

    @property
    def features(self) -> tuple[Feature, ...]:
        if self.action is StatusAction.RESOLVE_NEXT_RELEASE:
            return (Feature.RESOLVE_NEXT_RELEASE,)
        if self.release:
            return (Feature.RESOLVE_IN_RELEASE,)
        return self.until.features if self.until else ()

    def describe(self) -> str:
        words = self.action.value.replace("_", " ")
        if self.release:
            return f"{words} in release {self.release}"
        condition = self.until.describe() if self.until else ""
        return f"{words} {condition}" if condition else words


@dataclass(frozen=True)
class AssignChange:
    """Assign an issue, or unassign it (`assignee` None)."""

    assignee: Assignee | None

    def reached(self, issue: Issue) -> bool:
        return same_assignee(issue.assignee, self.assignee)

    @property
    def features(self) -> tuple[Feature, ...]:
        return (Feature.ASSIGN,)

    def describe(self) -> str:
        return f"assign to {self.assignee.label}" if self.assignee else "unassign"


Change = StatusChange | AssignChange


def same_assignee(a: Assignee | None, b: Assignee | None) -> bool:
    """By kind and id: servers name the same person differently from one answer to the next."""
    return (a.key if a else None) == (b.key if b else None)


@dataclass(frozen=True)
class Issue:
    id: str
    short_id: str
    title: str
    culprit: str = ""
    level: str = "error"
    status: IssueStatus = IssueStatus.UNRESOLVED
    raw_status: str = ""
    """The server's own status wording (`archived_until_escalating`, `suppressed`, ...)."""
    substatus: str | None = None
    count: int = 0
    user_count: int = 0
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    project: str = ""
    platform: str = ""
    permalink: str = ""
    type: str = ""
    value: str = ""
    assignee: Assignee | None = None
    ignore_until: IgnoreUntil | None = None
    """The condition the server reports for an ignored issue, where it says one."""
    first_release: str = ""
    last_release: str = ""
    """Versions the issue was first and last seen in, where the server says (Sentry's issue
    detail, the demo); "" when it does not."""
    trend: tuple[int, ...] = ()
    """Events per time bucket over the list's period, oldest first (Sentry `stats`, PostHog
    `volumeRange`); () where the server sends none."""
    trend_bucket: int = 0
    """Seconds each `trend` bucket spans."""
    server_priority: str = ""
    """The server's own priority (Sentry: `high`, `medium`, `low`); "" elsewhere."""
    environments: tuple[str, ...] = ()
    """Environments the issue was seen in, where the server lists them (Sentry's detail tags)."""

    @property
    def triage_state(self) -> tuple[object, ...]:
        """What a triage change sets; counts and times move on their own and are left out."""
        return (
            self.status,
            self.raw_status,
            # Sentry moves an open issue from `new` to `ongoing` by itself; only an ignored
            # issue's substatus (`archived_until_escalating`, ...) is a triage choice.
            self.substatus if self.status is IssueStatus.IGNORED else None,
            self.assignee.key if self.assignee else None,
        )

    @property
    def status_detail(self) -> str:
        """The server's own status words where they say more than `status` does."""
        plain = {self.status.value, "ongoing", "active"}
        words = dict.fromkeys(w for w in (self.raw_status, self.substatus) if w and w not in plain)
        return ", ".join(words)


@dataclass(frozen=True)
class ContextLine:
    lineno: int
    line: str


@dataclass(frozen=True)
class Frame:
    """One stack frame; frames of a stack trace run oldest (caller) first."""

    filename: str = ""
    abs_path: str = ""
    function: str = ""
    module: str = ""
    package: str = ""
    lineno: int | None = None
    colno: int | None = None
    in_app: bool = False
    pre_context: tuple[str, ...] = ()
    context_line: str | None = None
    post_context: tuple[str, ...] = ()
    vars: dict[str, Any] = field(default_factory=dict)
    platform: str = ""
    chunk_id: str = ""
    """PostHog chunk id of the minified file this frame points into."""
    resolve_failure: str = ""
    """Why stackdeck's own local attempt could not resolve this minified frame."""
    server_failure: str = ""
    """Why the server could not resolve this frame, in its words (PostHog `resolve_failure`,
    a Sentry processing error); kept beside the local attempt, never replaced by it."""
    provenance: str = ""
    """For a frame resolved locally: which source map, found how."""
    context_source: str = ""
    """"" when the context lines came with the event, `local` when read from this machine's
    copy of the file (the event had none)."""
    instruction_addr: str = ""
    """Native frames: addresses as lowercase `0x…` hex, "" when absent or unreadable."""
    symbol_addr: str = ""
    image_addr: str = ""
    addr_mode: str = ""
    """How the addresses are meant: "" or `abs` absolute, `rel:N` relative to image N."""
    trust: str = ""
    """How the unwinder found this frame: `context`, `cfi`, `fp`, `scan`, `prewalked`, ..."""
    raw_function: str = ""
    """The function's name before demangling or cleaning, as the symbol file has it."""
    symbol: str = ""
    """The mangled symbol name."""

    @property
    def display_path(self) -> str:
        return self.filename or self.abs_path or self.module or "?"

    @property
    def context(self) -> tuple[ContextLine, ...]:
        """The context lines with their line numbers, the frame's own line included."""
        if self.context_line is None or self.lineno is None:
            return ()
        start = self.lineno - len(self.pre_context)
        lines = (*self.pre_context, self.context_line, *self.post_context)
        return tuple(ContextLine(start + i, text) for i, text in enumerate(lines))


@dataclass(frozen=True)
class Stacktrace:
    frames: tuple[Frame, ...] = ()
    frames_omitted: tuple[int, int] | None = None
    """1-based `[start, end)` range of frames the SDK dropped, between frames start-1 and start."""
    registers: dict[str, str] = field(default_factory=dict)
    """Register values at the newest frame (native crashes), names in the SDK's order."""


@dataclass(frozen=True)
class HeldLock:
    """A lock a thread holds or waits for (sentry-java's `held_locks`)."""

    address: str
    kind: str = ""
    """`locked`, `waiting`, `sleeping`, `blocked`, or the server's own word."""
    class_name: str = ""
    package_name: str = ""
    thread_id: str = ""
    """The thread that owns the lock."""

    @property
    def name(self) -> str:
        return ".".join(part for part in (self.package_name, self.class_name) if part)


@dataclass(frozen=True)
class Thread:
    """One thread of the `threads` interface: the crashed one, the current one, the others."""

    id: str
    name: str = ""
    crashed: bool = False
    current: bool = False
    state: str = ""
    stacktrace: Stacktrace | None = None
    held_locks: tuple[HeldLock, ...] = ()


@dataclass(frozen=True)
class Mechanism:
    type: str = ""
    handled: bool | None = None
    synthetic: bool = False
    source: str = ""
    """How this exception links to its parent: `__cause__`, `__context__`, `exceptions[0]`."""
    exception_id: int | None = None
    parent_id: int | None = None
    is_exception_group: bool = False


@dataclass(frozen=True)
class ExceptionValue:
    type: str
    value: str = ""
    module: str = ""
    mechanism: Mechanism | None = None
    stacktrace: Stacktrace | None = None
    raw_stacktrace: Stacktrace | None = None
    """The minified frames when the server already applied source maps."""


@dataclass(frozen=True)
class Breadcrumb:
    timestamp: datetime | None = None
    type: str = "default"
    category: str = ""
    level: str = "info"
    message: str = ""
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DebugImage:
    """A `debug_meta` image: for JavaScript, a minified file and the debug id of its map; for
    native code, a loaded library or executable with its address range and symbol status."""

    type: str
    code_file: str = ""
    debug_id: str = ""
    code_id: str = ""
    debug_file: str = ""
    image_addr: str = ""
    image_size: int | None = None
    arch: str = ""
    debug_status: str = ""
    """The server's word on the debug file (Sentry: `found`, `missing`, `unused`, ...)."""
    unwind_status: str = ""
    candidates: int | None = None
    """How many places the server looked for the debug file, when it says."""


@dataclass(frozen=True)
class EventLinks:
    """What PostHog's Sentry integration writes on both sides of one error.

    On the Sentry event: the `posthog_distinct_id` tag (set by the app) and the
    `PostHog Person URL` tag; on the PostHog `$exception` event: `$sentry_event_id` and, when
    the integration knows the Sentry organisation, `$sentry_url`.
    """

    posthog_distinct_id: str = ""
    posthog_person_url: str = ""
    sentry_event_id: str = ""
    sentry_url: str = ""

    def __bool__(self) -> bool:
        return bool(self.posthog_distinct_id or self.sentry_event_id)


@dataclass(frozen=True)
class GroupingVariant:
    """One way Sentry hashed an event (`app`, `system`, `custom-fingerprint`, ...)."""

    name: str
    description: str = ""
    hash: str = ""
    contributes: bool = False
    """Whether this hash is the one that grouped the event."""
    values: tuple[str, ...] = ()
    """A fingerprint's parts, for the variants made from one."""


@dataclass(frozen=True)
class Grouping:
    """Why an event landed in its issue, in each server's own terms."""

    fingerprint: tuple[str, ...] = ()
    """The SDK's `fingerprint`, as sent (Sentry, Bugsink: the raw event)."""
    hashes: tuple[str, ...] = ()
    """The server's hashes of this event: Sentry's `fingerprints`, PostHog's
    `$exception_fingerprint`."""
    config: str = ""
    """Sentry's grouping config id (`newstyle:2023-01-11`)."""
    variants: tuple[GroupingVariant, ...] = ()
    """Sentry's grouping-info variants (fetched on demand)."""
    issue_fingerprints: tuple[str, ...] = ()
    """Every fingerprint PostHog's issue holds (merged issues hold several; fetched on demand)."""
    issue_key: str = ""
    """What the issue itself is keyed by, where the server says (Bugsink: type, value and
    transaction)."""

    def __bool__(self) -> bool:
        return any(dataclasses.astuple(self))


@dataclass(frozen=True)
class Event:
    id: str
    issue_id: str = ""
    project: str = ""
    """The project's id or slug as the server names it (for server-side symbol lookups)."""
    title: str = ""
    message: str = ""
    platform: str = ""
    timestamp: datetime | None = None
    level: str = "error"
    release: str = ""
    dist: str = ""
    environment: str = ""
    exceptions: tuple[ExceptionValue, ...] = ()
    """Reader order: the raised exception first, then what caused it, root cause last."""
    threads: tuple[Thread, ...] = ()
    breadcrumbs: tuple[Breadcrumb, ...] = ()
    tags: tuple[tuple[str, str], ...] = ()
    contexts: dict[str, dict[str, Any]] = field(default_factory=dict)
    user: dict[str, Any] = field(default_factory=dict)
    request: dict[str, Any] = field(default_factory=dict)
    sdk: str = ""
    debug_images: tuple[DebugImage, ...] = ()
    previous_event_id: str | None = None
    next_event_id: str | None = None
    processing_errors: tuple[str, ...] = ()
    links: EventLinks = field(default_factory=EventLinks)
    grouping: Grouping = field(default_factory=Grouping)


@dataclass(frozen=True)
class IssueQuery:
    """What the issue list asks a server for; `query` uses the server's own search syntax."""

    query: str = "is:unresolved"
    sort: str = "date"
    environment: str = ""
    projects: tuple[str, ...] = ()
    limit: int = 50
    stats_period: str = "14d"
    person: str = ""
    """Only issues this person hit (a PostHog distinct id); backends without persons refuse."""


@dataclass(frozen=True)
class IssuePage:
    issues: tuple[Issue, ...]
    next_cursor: str | None = None


MAX_NESTING = 32
"""Levels of free-form server data (frame vars, contexts, breadcrumb data) that are kept."""
NESTED_TOO_DEEPLY = "<nested too deeply>"
"""What stands in for data nested deeper: a sender can nest vars 900 deep to crash anything
that walks them recursively (`repr`, `json.dumps`)."""


def capped(value: Any, levels: int = MAX_NESTING) -> Any:
    """Server data with containers below `levels` replaced by `NESTED_TOO_DEEPLY`."""
    if isinstance(value, dict | list | tuple) and levels <= 0:
        return NESTED_TOO_DEEPLY
    if isinstance(value, dict):
        return {k: capped(v, levels - 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [capped(v, levels - 1) for v in value]
    return value


NON_FINITE = {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}
"""`--json`'s strings for the floats JSON cannot write."""


def to_jsonable(value: Any, levels: int = 2 * MAX_NESTING) -> Any:
    """The model as plain JSON data: dataclasses as objects, datetimes as ISO 8601, enums as
    their values. This is the `--json` output format documented in the README.

    Depth-capped like `capped` (the model's own levels included), whoever built the model.
    """
    nested = isinstance(value, dict | list | tuple) or dataclasses.is_dataclass(value)
    if nested and levels <= 0:
        return NESTED_TOO_DEEPLY
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: to_jsonable(getattr(value, f.name), levels - 1)
            for f in dataclasses.fields(value)
        }
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): to_jsonable(v, levels - 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v, levels - 1) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        # JSON has no such number (jq, JavaScript and Go refuse Python's `NaN` literal): the
        # spelling Python's json module uses, as a string.
        return NON_FINITE[repr(value)]
    return value


class SymbolSetStatus(enum.StrEnum):
    OK = "ok"
    FAILED = "failed"
    """The server recorded why it could not use the set (`failure_reason`)."""
    NO_FILE = "no file"
    """Listed, but no file is stored for it (an upload that never finished)."""


@dataclass(frozen=True)
class ServerSymbolSet:
    """A source-map set as the server lists it: a PostHog symbol set, a Sentry artifact bundle."""

    id: str
    ref: str
    """What frames find it by: PostHog's chunk id, Sentry's bundle id."""
    status: SymbolSetStatus = SymbolSetStatus.OK
    failure_reason: str = ""
    created_at: datetime | None = None
    last_used: datetime | None = None
    release: str = ""
    files: int | None = None
    project: str = ""


@dataclass(frozen=True)
class SymbolSetList:
    sets: tuple[ServerSymbolSet, ...] = ()
    truncated: bool = False
    """More sets are on the server than were listed (listing stops at a bound)."""
