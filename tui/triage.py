"""Triage on any backend, one code path for the CLI and the TUI.

A change names its issues explicitly and reports each one's result; it keeps what the server had
before, so `undo` can put it back unless the issue has changed since. Mutating commands pass
`require_writable` first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tui.backends.base import Backend
from tui.backends.errors import BackendError, NotFound, Unsupported
from tui.backends.writes import attempt
from tui.model import (
    Activity,
    AssignChange,
    Assignee,
    Change,
    Feature,
    IgnoreUntil,
    Issue,
    IssueStatus,
    StatusAction,
    StatusChange,
)


class ReadOnlyProfile(Unsupported):
    """The profile is read-only: no change is sent."""


@dataclass(frozen=True)
class ChangeResult:
    """One issue's outcome: the state before and after, or why it is unknown or unchanged."""

    issue_id: str
    """As the caller named it (an id or a short id)."""
    change: Change
    before: Issue | None = None
    after: Issue | None = None
    error: str = ""
    missing: bool = False
    """The server has no such issue, or none the profile covers."""

    @property
    def ok(self) -> bool:
        """Whether the server confirmed the issue is where the change asked for."""
        return not self.error and self.after is not None and self.change.reached(self.after)

    @property
    def name(self) -> str:
        shown = self.after or self.before
        return shown.short_id if shown else self.issue_id

    @property
    def summary(self) -> str:
        """One line for the user (server text inside: sanitise before printing)."""
        if self.missing:
            return self.error
        if self.error:
            return f"{self.name}: {self.error}"
        if self.after is None:
            return f"{self.name}: unknown"
        if not self.ok:
            return f"{self.name}: still {state_words(self.after)}; not {self.change.describe()}"
        return f"{self.name}: {state_words(self.after)}"


@dataclass(frozen=True)
class ChangeRecord:
    """What `apply_change` (or `undo`) did, per issue, in the order the issues were named."""

    change: Change
    results: tuple[ChangeResult, ...]

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)

    @property
    def failed(self) -> tuple[str, ...]:
        """The ids of the issues not confirmed changed (the TUI keeps them marked)."""
        return tuple(r.issue_id for r in self.results if not r.ok)


def require_writable(profile: Any) -> None:
    """Refuse every mutating action on a read-only profile."""
    if getattr(profile, "read_only", False):
        raise ReadOnlyProfile(f"profile {getattr(profile, 'name', '')!r} is read-only")


def require(backend: Backend, *features: Feature) -> None:
    """Raise `Unsupported` with the backend's reason when it lacks one of `features`."""
    if reason := backend.capabilities.why_not(*features):
        raise Unsupported(reason)


async def apply_change(backend: Backend, issue_ids: Sequence[str], change: Change) -> ChangeRecord:
    """Apply `change` to exactly `issue_ids` and report each issue separately.

    Each issue is read first (the state `undo` restores); the write goes out as one bulk request
    naming every id where the backend has one, else issue by issue.
    """
    require(backend, *change.features)
    named = list(dict.fromkeys(issue_ids))
    befores = {i: await attempt(backend.get_issue(i)) for i in named}
    found = {i: b for i, b in befores.items() if isinstance(b, Issue)}
    keys = list(dict.fromkeys(found[i].id for i in named if i in found))
    afters = dict(zip(keys, await _send(backend, keys, change), strict=True))
    results = []
    for issue_id in named:
        before = befores[issue_id]
        if isinstance(before, BackendError):
            results.append(_failed(issue_id, change, before))
        else:
            results.append(_result(issue_id, change, before, afters[before.id]))
    return ChangeRecord(change, tuple(results))


async def undo(backend: Backend, record: ChangeRecord) -> ChangeRecord:
    """Restore, issue by issue, what the server had before `record`'s change.

    An issue whose triage state (status, substatus of an ignore, assignee) is no longer what the
    change produced is refused with the reason; new events alone do not count as a change.
    Issues the change did not move are left out.
    """
    results = []
    for done in record.results:
        before, after = done.before, done.after
        if not done.ok or before is None or after is None:
            continue
        if before.triage_state == after.triage_state:
            continue  # the change found it so already: nothing to restore
        now = await attempt(backend.get_issue(after.id))
        restore = restoring(done.change, before)
        if isinstance(now, BackendError):
            results.append(_failed(done.issue_id, restore, now, before=after))
        elif now.triage_state != after.triage_state:
            why = f"changed since: now {state_words(now)} (the change left it {state_words(after)})"
            results.append(ChangeResult(done.issue_id, restore, now, error=why))
        else:
            sent = (await _send(backend, [now.id], restore))[0]
            results.append(_result(done.issue_id, restore, now, sent))
    return ChangeRecord(record.change, tuple(results))


def restoring(change: Change, before: Issue) -> Change:
    """The change that puts an issue back to `before` in what `change` touched."""
    if isinstance(change, AssignChange):
        return AssignChange(before.assignee)
    if before.status is IssueStatus.RESOLVED:
        next_release = "next_release" in before.status_detail
        return StatusChange(
            StatusAction.RESOLVE_NEXT_RELEASE if next_release else StatusAction.RESOLVE
        )
    if before.status is IssueStatus.IGNORED:
        until = before.ignore_until
        if until is None and before.substatus == "archived_until_escalating":
            until = IgnoreUntil(escalating=True)
        return StatusChange(StatusAction.IGNORE, until=until)
    return StatusChange(StatusAction.REOPEN)


async def assignee_choices(backend: Backend) -> tuple[Assignee, ...]:
    """Who an issue can be assigned to, the token's own user first."""
    require(backend, Feature.ASSIGN)
    me = await backend.me()
    others = [a for a in await backend.members() if a.key != me.key]
    return (me, *others)


async def find_assignee(backend: Backend, who: str) -> Assignee | None:
    """`me`, `none`, a user's id, name, email or email name, or `team:SLUG` / `role:NAME`."""
    require(backend, Feature.ASSIGN)
    if who.lower() == "none":
        return None
    if who.lower() == "me":
        return await backend.me()
    kind, _, name = who.partition(":") if ":" in who else ("user", "", who)
    candidates = [a for a in await backend.members() if a.kind == kind]
    wanted = name.lower()
    for candidate in candidates:
        local = candidate.email.partition("@")[0]
        if wanted in (s.lower() for s in (candidate.id, candidate.name, candidate.email, local)):
            return candidate
    known = ", ".join(f"{a.kind}:{a.name or a.email or a.id}" for a in candidates) or "none"
    raise NotFound(f"no {kind} {name!r} to assign to (known: {known})")


async def issue_activity(backend: Backend, issue_id: str) -> tuple[Activity, ...]:
    require(backend, Feature.ACTIVITY)
    return await backend.activity(issue_id)


async def add_comment(backend: Backend, issue_id: str, text: str) -> Activity:
    require(backend, Feature.COMMENT)
    return await backend.comment(issue_id, text)


def state_words(issue: Issue) -> str:
    """`resolved`, `ignored (archived_until_escalating)`, with `, assigned to X` when assigned."""
    until = issue.ignore_until.describe() if issue.ignore_until else ""
    detail = ", ".join(w for w in (issue.status_detail, until) if w)
    words = f"{issue.status.value} ({detail})" if detail else issue.status.value
    return f"{words}, assigned to {issue.assignee.label}" if issue.assignee else words


async def _send(
    backend: Backend, keys: Sequence[str], change: Change
) -> list[Issue | BackendError]:
    bulk = getattr(backend, "bulk_apply", None)
    if bulk is not None and len(keys) > 1:
        results: list[Issue | BackendError] = await bulk(keys, change)
        return results
    return [await attempt(backend.apply(key, change)) for key in keys]


def _result(
    issue_id: str, change: Change, before: Issue, after: Issue | BackendError
) -> ChangeResult:
    if isinstance(after, BackendError):
        return _failed(issue_id, change, after, before=before)
    return ChangeResult(issue_id, change, before, after)


def _failed(
    issue_id: str, change: Change, error: BackendError, *, before: Issue | None = None
) -> ChangeResult:
    if isinstance(error, NotFound):
        return ChangeResult(issue_id, change, before, error=f"no issue {issue_id}", missing=True)
    return ChangeResult(issue_id, change, before, error=str(error))
