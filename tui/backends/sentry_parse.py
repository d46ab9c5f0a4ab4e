"""Sentry-family wire formats -> the model.

Accepts the web API's camelCase (`entries`, `absPath`, `context: [[n, line]]`), GlitchTip's mix and
the ingestion format's snake_case (Bugsink returns raw ingestion events). Missing and null fields
fall back to defaults; anything of the wrong type is ignored rather than trusted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from tui.backends.coerce import as_data, as_dict, as_id, as_int, as_list, as_str, first, opt_int
from tui.backends.grouping import event_grouping
from tui.links import links_from_tags
from tui.model import (
    Assignee,
    Breadcrumb,
    DebugImage,
    Event,
    ExceptionValue,
    Frame,
    HeldLock,
    IgnoreUntil,
    Issue,
    IssueStatus,
    Mechanism,
    Stacktrace,
    Thread,
)

STATUS_MAP = {
    "resolved": IssueStatus.RESOLVED,
    "ignored": IssueStatus.IGNORED,
    "muted": IssueStatus.IGNORED,
    "archived": IssueStatus.IGNORED,
}


IGNORE_DETAILS = (
    ("minutes", "ignoreDuration"),
    ("events", "ignoreCount"),
    ("events_window", "ignoreWindow"),
    ("users", "ignoreUserCount"),
    ("users_window", "ignoreUserWindow"),
)
"""`IgnoreUntil` field -> Sentry's `statusDetails` key."""


def parse_issue(data: Mapping[str, Any]) -> Issue:
    """One issue of Sentry's or GlitchTip's issue list or issue detail."""
    metadata = as_dict(data.get("metadata"))
    project = as_dict(data.get("project"))
    raw_status = as_str(data.get("status")) or "unresolved"
    return Issue(
        id=as_id(data.get("id")),
        short_id=as_str(data.get("shortId") or data.get("short_id") or data.get("id")),
        title=as_str(data.get("title")),
        # GlitchTip's issue culprit is "" while its metadata names the file and function.
        culprit=as_str(data.get("culprit"))
        or culprit(as_str(metadata.get("filename")), as_str(metadata.get("function"))),
        level=as_str(data.get("level")) or "error",
        status=STATUS_MAP.get(raw_status, IssueStatus.UNRESOLVED),
        raw_status=raw_status,
        substatus=as_str(data.get("substatus")) or None,
        count=as_int(data.get("count")),
        user_count=as_int(first(data, "userCount", "user_count")),  # GlitchTip's PUT: snake
        first_seen=parse_datetime(data.get("firstSeen")),
        last_seen=parse_datetime(data.get("lastSeen")),
        project=as_str(project.get("slug") or project.get("name")),
        platform=as_str(data.get("platform") or project.get("platform")),
        permalink=as_str(data.get("permalink")),
        type=as_str(metadata.get("type")),
        value=as_str(metadata.get("value")),
        assignee=parse_assignee(data.get("assignedTo")),
        ignore_until=parse_ignore_until(data.get("statusDetails")),
        first_release=release_version(data.get("firstRelease")),
        last_release=release_version(data.get("lastRelease")),
        **parse_stats(data.get("stats")),
        server_priority=as_str(data.get("priority")),
        environments=tag_values(data.get("tags"), "environment"),
    )


STATS_BUCKETS = {"24h": 3600, "14d": 86400}
"""Seconds per bucket of Sentry's two `groupStatsPeriod`s, for a series too short to tell."""


def parse_stats(stats: Any) -> dict[str, Any]:
    """`trend` and `trend_bucket` from Sentry's `stats: {"24h": [[epoch, count], ...]}`; the
    list's only key is the period (GlitchTip sends `{"24h": []}`: no trend)."""
    for period, series in as_dict(stats).items():
        points = [p for p in as_list(series) if isinstance(p, list | tuple) and len(p) == 2]
        if not points:
            continue
        times = [as_int(p[0]) for p in points]
        step = times[1] - times[0] if len(times) > 1 else 0
        bucket = step if step > 0 else STATS_BUCKETS.get(period, 0)
        return {"trend": tuple(max(0, as_int(p[1])) for p in points), "trend_bucket": bucket}
    return {}


def release_version(release: Any) -> str:
    """`firstRelease`/`lastRelease` of Sentry's issue detail: a release object, or null."""
    if isinstance(release, str):
        return release
    return as_str(as_dict(release).get("version"))


def tag_values(tags: Any, key: str) -> tuple[str, ...]:
    """The values of one tag in the issue detail's `tags: [{key, topValues: [{value}]}]`."""
    for tag in as_list(tags):
        found = as_dict(tag)
        if found.get("key") == key:
            values = (as_str(as_dict(t).get("value")) for t in as_list(found.get("topValues")))
            return tuple(v for v in values if v)
    return ()


def parse_assignee(data: Any) -> Assignee | None:
    """`assignedTo` of an issue: `{"type": "user"|"team", "id", "name", "email"}` or null."""
    found = as_dict(data)
    if not found.get("id"):
        return None
    return Assignee(
        kind=as_str(found.get("type")) or "user",
        id=as_id(found.get("id")),
        name=as_str(found.get("name")),
        email=as_str(found.get("email")),
    )


def parse_ignore_until(status_details: Any) -> IgnoreUntil | None:
    details = as_dict(status_details)
    values = {name: opt_int(details.get(wire)) for name, wire in IGNORE_DETAILS}
    until = parse_datetime(details.get("ignoreUntil"))
    if not any(values.values()) and until is None:
        return None
    return IgnoreUntil(
        until=until,
        minutes=values["minutes"],
        events=values["events"],
        events_window=values["events_window"],
        users=values["users"],
        users_window=values["users_window"],
    )


def parse_event(data: Mapping[str, Any], issue_id: str = "") -> Event:
    """A full event, from the web API (`entries`) or as the SDK sent it (ingestion format)."""
    interfaces = _interfaces(data)
    tags = _tags(data.get("tags"))
    release = data.get("release")
    if isinstance(release, Mapping):
        release = release.get("version")
    # GlitchTip keeps the release only among the tags.
    release = release or dict(tags).get("release")
    exceptions, unplaced = with_processing_errors(
        parse_exceptions(_values(interfaces.get("exception"))), as_list(data.get("errors"))
    )
    return Event(
        id=as_id(data.get("eventID") or data.get("event_id") or data.get("id")),
        issue_id=issue_id or as_id(data.get("groupID")),
        project=as_str(data.get("projectID") or data.get("project")),
        title=as_str(data.get("title")) or _title_of(interfaces),
        message=_message(data, interfaces),
        platform=as_str(data.get("platform")),
        timestamp=parse_datetime(data.get("dateCreated") or data.get("timestamp")),
        level=event_level(data) or "error",
        release=as_str(release),
        dist=as_str(data.get("dist")),
        environment=as_str(data.get("environment") or dict(tags).get("environment")),
        exceptions=exceptions,
        threads=tuple(
            _thread(t) for t in _values(interfaces.get("threads")) if isinstance(t, Mapping)
        ),
        breadcrumbs=tuple(_breadcrumb(b) for b in _values(interfaces.get("breadcrumbs"))),
        tags=tags,
        contexts={k: v for k, v in as_data(data.get("contexts")).items() if isinstance(v, dict)},
        user=as_data(data.get("user")),
        request=as_data(interfaces.get("request")),
        sdk=_sdk(data.get("sdk")),
        debug_images=tuple(_debug_image(i) for i in _images(interfaces)),
        previous_event_id=as_id(data.get("previousEventID")) or None,
        next_event_id=as_id(data.get("nextEventID")) or None,
        processing_errors=unplaced,
        links=links_from_tags(tags),
        grouping=event_grouping(data),
    )


def event_level(data: Mapping[str, Any]) -> str:
    """The event's own level, or "" when it has none (GlitchTip's events never do)."""
    return as_str(data.get("level") or dict(_tags(data.get("tags"))).get("level"))


def parse_exceptions(values: list[Any]) -> tuple[ExceptionValue, ...]:
    """Sentry sends the root cause first and the raised exception last; readers want the reverse.

    With exception groups the list is a tree (`exception_id`/`parent_id`); Sentry's order is a
    pre-order walk with the group first, so reversing would put children before their group. There
    the raised exception (id 0) comes first and the rest keep their tree order.
    """
    parsed = [_exception(v) for v in values if isinstance(v, Mapping)]
    if any(e.mechanism and e.mechanism.is_exception_group for e in parsed):
        return tuple(sorted(parsed, key=_exception_id))
    return tuple(reversed(parsed))


def parse_frame(data: Mapping[str, Any]) -> Frame:
    pre, line, post = _context(data)
    return Frame(
        filename=as_str(data.get("filename")),
        abs_path=as_str(data.get("absPath") or data.get("abs_path")),
        function=as_str(data.get("function")),
        module=as_str(data.get("module")),
        package=as_str(data.get("package")),
        lineno=opt_int(first(data, "lineNo", "lineno")),
        colno=opt_int(first(data, "colNo", "colno")),
        in_app=bool(first(data, "inApp", "in_app")),
        pre_context=pre,
        context_line=line,
        post_context=post,
        vars=as_data(data.get("vars")),
        platform=as_str(data.get("platform")),
        instruction_addr=address(first(data, "instructionAddr", "instruction_addr")),
        symbol_addr=address(first(data, "symbolAddr", "symbol_addr")),
        image_addr=address(first(data, "imageAddr", "image_addr")),
        addr_mode=as_str(first(data, "addrMode", "addr_mode")),
        trust=as_str(data.get("trust")),
        raw_function=as_str(first(data, "rawFunction", "raw_function")),
        symbol=as_str(data.get("symbol")),
    )


def address(value: Any) -> str:
    """An address as lowercase `0x…` hex: SDKs send hex strings, some JSON numbers; anything
    else (a word, a negative number, 5,000 digits) is "" rather than a wrong address."""
    if isinstance(value, str):
        text = value.strip().lower()
        if text.startswith("0x") and 2 < len(text) <= 34:
            try:
                return hex(int(text, 16))
            except ValueError:
                return ""
        value = opt_int(text) if text.isdigit() else None
    number = opt_int(value) if not isinstance(value, float) else None
    return hex(number) if number is not None and number >= 0 else ""


def parse_datetime(value: Any) -> datetime | None:
    """ISO 8601 strings (`Z` or offset) and epoch seconds, in UTC; naive times are taken as
    UTC. A time that cannot be one (year 0, NaN, or year 9999 with an offset that pushes it
    past the calendar's end) is None, so nothing that shows or sorts it meets an overflow."""
    if isinstance(value, bool) or value is None or value == "":
        return None
    try:
        if isinstance(value, int | float):
            return datetime.fromtimestamp(value, UTC)
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    except (ValueError, OverflowError, OSError):
        return None


def _interfaces(data: Mapping[str, Any]) -> dict[str, Any]:
    """Web API events hold their interfaces in `entries`; ingestion events at the top level."""
    keys = ("exception", "threads", "breadcrumbs", "request", "debug_meta")
    found = {key: data.get(key) for key in keys}
    found["debugmeta"] = data.get("debug_meta")
    for entry in as_list(data.get("entries")):
        if isinstance(entry, Mapping) and isinstance(entry.get("type"), str):
            found[entry["type"]] = entry.get("data")
    return found


def _images(interfaces: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    meta = as_dict(interfaces.get("debugmeta"))
    return [i for i in as_list(meta.get("images")) if isinstance(i, Mapping)]


def _exception(data: Mapping[str, Any]) -> ExceptionValue:
    return ExceptionValue(
        type=as_str(data.get("type")) or "Error",
        value=as_str(data.get("value")),
        module=as_str(data.get("module")),
        mechanism=parse_mechanism(data.get("mechanism")),
        stacktrace=_stacktrace(data.get("stacktrace")),
        raw_stacktrace=_stacktrace(data.get("rawStacktrace") or data.get("raw_stacktrace")),
    )


def _exception_id(value: ExceptionValue) -> int:
    mechanism = value.mechanism
    return mechanism.exception_id if mechanism and mechanism.exception_id is not None else 0


def parse_mechanism(data: Any) -> Mechanism | None:
    """`mechanism` is the same object in Sentry events and PostHog `$exception_list`."""
    if not isinstance(data, Mapping):
        return None
    handled = data.get("handled")
    return Mechanism(
        type=as_str(data.get("type")),
        handled=handled if isinstance(handled, bool) else None,
        synthetic=bool(data.get("synthetic")),
        source=as_str(data.get("source")),
        exception_id=opt_int(data.get("exception_id")),
        parent_id=opt_int(data.get("parent_id")),
        is_exception_group=bool(data.get("is_exception_group")),
    )


def _stacktrace(data: Any) -> Stacktrace | None:
    if not isinstance(data, Mapping):
        return None
    omitted = first(data, "framesOmitted", "frames_omitted")
    frames_omitted = None
    if isinstance(omitted, list | tuple) and len(omitted) == 2:
        start, end = opt_int(omitted[0]), opt_int(omitted[1])
        if start is not None and end is not None and end > start:
            frames_omitted = (start, end)
    frames = tuple(parse_frame(f) for f in as_list(data.get("frames")) if isinstance(f, Mapping))
    registers = {
        as_str(name): shown
        for name, value in as_dict(data.get("registers")).items()
        if (shown := address(value))
    }
    return Stacktrace(frames=frames, frames_omitted=frames_omitted, registers=registers)


LOCK_KINDS = {1: "locked", 2: "waiting", 4: "sleeping", 8: "blocked"}
"""Sentry's `LockReasonType` bit flags, as words."""


def _thread(data: Mapping[str, Any]) -> Thread:
    locks = as_dict(first(data, "heldLocks", "held_locks"))
    return Thread(
        id=as_id(data.get("id")),
        name=as_str(data.get("name")),
        crashed=data.get("crashed") is True,
        current=data.get("current") is True,
        state=as_str(data.get("state")),
        stacktrace=_stacktrace(data.get("stacktrace")),
        held_locks=tuple(
            _held_lock(as_str(key), lock)
            for key, lock in locks.items()
            if isinstance(lock, Mapping)
        ),
    )


def _held_lock(key: str, data: Mapping[str, Any]) -> HeldLock:
    kind = data.get("type")
    number = opt_int(kind)
    return HeldLock(
        address=as_str(data.get("address")) or key,
        kind=LOCK_KINDS.get(number, as_str(kind)) if number is not None else as_str(kind),
        class_name=as_str(first(data, "class_name", "className")),
        package_name=as_str(first(data, "package_name", "packageName")),
        thread_id=as_id(first(data, "thread_id", "threadId")),
    )


def _context(data: Mapping[str, Any]) -> tuple[tuple[str, ...], str | None, tuple[str, ...]]:
    """(pre, line, post) from ingestion fields or the web API's numbered `context` pairs.

    GlitchTip sends `context_line` with the pairs and no `pre_context`/`post_context`: the pairs
    are read whenever the separate lists are absent.
    """
    line = as_str(data["context_line"]) if data.get("context_line") is not None else None
    if "pre_context" in data or "post_context" in data:
        return (
            tuple(as_str(x) for x in as_list(data.get("pre_context"))),
            line,
            tuple(as_str(x) for x in as_list(data.get("post_context"))),
        )
    lineno = opt_int(first(data, "lineNo", "lineno"))
    numbered = [
        (opt_int(pair[0]), as_str(pair[1]))
        for pair in as_list(data.get("context"))
        if isinstance(pair, list | tuple) and len(pair) == 2
    ]
    if lineno is None or not any(n == lineno for n, _ in numbered):
        return (), line, ()
    pre = tuple(text for n, text in numbered if n is not None and n < lineno)
    current = next(text for n, text in numbered if n == lineno)
    post = tuple(text for n, text in numbered if n is not None and n > lineno)
    return pre, current if line is None else line, post


def culprit(filename: str, function: str) -> str:
    """Where an issue happened, in Sentry's form: `file in function`."""
    if filename and function:
        return f"{filename} in {function}"
    return filename or function


def _breadcrumb(data: Any) -> Breadcrumb:
    data = as_dict(data)
    return Breadcrumb(
        timestamp=parse_datetime(data.get("timestamp")),
        type=as_str(data.get("type")) or "default",
        category=as_str(data.get("category")),
        level=as_str(data.get("level")) or "info",
        message=as_str(data.get("message")),
        data=as_data(data.get("data")),
    )


def _debug_image(data: Mapping[str, Any]) -> DebugImage:
    candidates = data.get("candidates")
    size = opt_int(first(data, "image_size", "imageSize"))
    return DebugImage(
        type=as_str(data.get("type")),
        code_file=as_str(data.get("code_file") or data.get("codeFile")),
        debug_id=as_str(data.get("debug_id") or data.get("debugId")),
        code_id=as_str(first(data, "code_id", "codeId")),
        debug_file=as_str(first(data, "debug_file", "debugFile")),
        image_addr=address(first(data, "image_addr", "imageAddr")),
        image_size=size if size is not None and size >= 0 else None,
        arch=as_str(data.get("arch")),
        debug_status=as_str(first(data, "debug_status", "debugStatus")),
        unwind_status=as_str(first(data, "unwind_status", "unwindStatus")),
        # Sentry lists each place it looked; a count is all the screen needs.
        candidates=len(candidates) if isinstance(candidates, list) else None,
    )


def _tags(value: Any) -> tuple[tuple[str, str], ...]:
    """Tags come as `[{key, value}]` (web API), `[[k, v]]` or `{k: v}` (ingestion)."""
    if isinstance(value, Mapping):
        return tuple((as_str(k), as_str(v)) for k, v in value.items())
    pairs = []
    for item in as_list(value):
        if isinstance(item, Mapping):
            pairs.append((as_str(item.get("key")), as_str(item.get("value"))))
        elif isinstance(item, list | tuple) and len(item) == 2:
            pairs.append((as_str(item[0]), as_str(item[1])))
    return tuple(pairs)


def _message(data: Mapping[str, Any], interfaces: Mapping[str, Any]) -> str:
    message = data.get("message") or data.get("logentry") or interfaces.get("message")
    if isinstance(message, Mapping):
        message = message.get("formatted") or message.get("message")
    return as_str(message)


def _title_of(interfaces: Mapping[str, Any]) -> str:
    """Ingestion events have no title; Sentry derives it from the raised exception."""
    exceptions = parse_exceptions(_values(interfaces.get("exception")))
    if not exceptions:
        return ""
    raised = exceptions[0]
    return f"{raised.type}: {raised.value}" if raised.value else raised.type


def _sdk(value: Any) -> str:
    sdk = as_dict(value)
    return " ".join(as_str(sdk.get(k)) for k in ("name", "version") if sdk.get(k))


def with_processing_errors(
    exceptions: tuple[ExceptionValue, ...], errors: list[Any]
) -> tuple[tuple[ExceptionValue, ...], tuple[str, ...]]:
    """Sentry's processing errors (`js_no_source`, `js_invalid_sourcemap_location`, ...) set as
    the `server_failure` of the frames they name (`data.url` or `data.source`, with `row` and
    `column` where given); those that name no frame are returned for the event.

    Only frames still shown minified can match: a frame the server resolved carries the
    original file's path, not the URL the error names.
    """
    pending = [
        (_error_place(as_dict(as_dict(e).get("data"))), _processing_error(e)) for e in errors
    ]
    placed: set[int] = set()
    updated = []
    for exc in exceptions:
        if exc.stacktrace is None:
            updated.append(exc)
            continue
        frames = []
        for frame in exc.stacktrace.frames:
            hits = [i for i, (place, _) in enumerate(pending) if place and _names(place, frame)]
            if hits and not frame.server_failure:
                placed.update(hits)
                frame = replace(frame, server_failure="; ".join(pending[i][1] for i in hits))
            frames.append(frame)
        updated.append(replace(exc, stacktrace=replace(exc.stacktrace, frames=tuple(frames))))
    unplaced = (
        f"{reason} ({place[0]})" if place else reason
        for i, (place, reason) in enumerate(pending)
        if i not in placed
    )
    return tuple(updated), tuple(unplaced)


_Place = tuple[str, int | None, int | None]


def _error_place(data: Mapping[str, Any]) -> _Place | None:
    url = as_str(data.get("url") or data.get("source"))
    return (url, opt_int(data.get("row")), opt_int(data.get("column"))) if url else None


def _names(place: _Place, frame: Frame) -> bool:
    url, row, column = place
    return (
        url in (frame.abs_path, frame.filename)
        and row in (None, frame.lineno)
        and column in (None, frame.colno)
    )


def _processing_error(value: Any) -> str:
    """The server's words, with its error type when they do not already say it."""
    error = as_dict(value)
    message, kind = as_str(error.get("message")), as_str(error.get("type"))
    if message and kind and kind not in message:
        return f"{message} [{kind}]"
    return message or kind or as_str(value)


def _values(interface: Any) -> list[Any]:
    if isinstance(interface, Mapping):
        return as_list(interface.get("values"))
    return as_list(interface)
