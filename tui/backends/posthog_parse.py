"""PostHog error-tracking wire formats -> the model.

Issues come from `ErrorTrackingQuery` results (or the issue REST endpoint), events from
`EventsQuery` rows whose `properties` hold `$exception_list`. Exceptions keep PostHog's order:
`$exception_list[0]` is the outermost (raised) exception and causes follow, which is already the
model's reader order. Frames are either `raw` (as the SDK sent them, snake_case like Sentry's
ingestion format, plus `platform` and `chunk_id`) or `resolved` (PostHog's own processing:
`mangled_name`, `resolved_name`, `source`, `line`, `column`, `resolve_failure`), whose context
lines come separately from `stack_frames/batch_get`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from tui.backends.coerce import (
    as_data,
    as_dict,
    as_id,
    as_int,
    as_list,
    as_str,
    first,
    loads_json,
    opt_int,
)
from tui.backends.grouping import posthog_event_grouping
from tui.backends.posthog_triage import parse_assignee
from tui.backends.sentry_parse import culprit, parse_datetime, parse_frame, parse_mechanism
from tui.links import links_from_properties
from tui.model import (
    ContextLine,
    Event,
    ExceptionValue,
    Frame,
    Issue,
    IssueStatus,
    Stacktrace,
)

STATUS_MAP = {
    "active": IssueStatus.UNRESOLVED,
    "resolved": IssueStatus.RESOLVED,
    "pending_release": IssueStatus.RESOLVED,
    "suppressed": IssueStatus.IGNORED,
    "archived": IssueStatus.IGNORED,
}
"""`archived` and `pending_release` are read-only: the API cannot set them."""
SHORT_ID_LENGTH = 8
_PLATFORMS = (("python", "python"), ("node", "node"), ("web", "javascript"), ("js", "javascript"))
_TAG_PROPERTIES = (
    "$lib",
    "$lib_version",
    "$browser",
    "$browser_version",
    "$os",
    "$os_version",
    "$device_type",
    "$current_url",
    "$session_id",
    "$environment",
    "$exception_source",
)


def short_id(issue_id: str) -> str:
    """The last 8 hex digits of the uuid: PostHog's ids are uuid7, whose leading digits are a
    timestamp (issues created within a minute share them), while the trailing ones are random."""
    return issue_id.replace("-", "")[-SHORT_ID_LENGTH:].upper()


def parse_issue(
    data: Mapping[str, Any], *, base_url: str = "", project: str = "", bucket_seconds: int = 0
) -> Issue:
    """One `ErrorTrackingQuery` result, or the REST issue (which has no aggregations).

    `bucket_seconds` is what each `volumeRange` bucket spans (the query's range over its
    `volumeResolution`: the answer does not say)."""
    issue_id = as_id(data.get("id"))
    raw_status = as_str(data.get("status")) or "active"
    aggregations = as_dict(data.get("aggregations"))
    name, description = as_str(data.get("name")), as_str(data.get("description"))
    permalink = f"{base_url}/project/{project}/error_tracking/{issue_id}" if base_url else ""
    return Issue(
        id=issue_id,
        short_id=short_id(issue_id),
        title=f"{name}: {description}" if name and description else name or description,
        culprit=culprit(as_str(data.get("source")), as_str(data.get("function"))),
        status=STATUS_MAP.get(raw_status, IssueStatus.UNRESOLVED),
        raw_status=raw_status,
        count=opt_int(aggregations.get("occurrences")) or 0,
        user_count=opt_int(aggregations.get("users")) or 0,
        first_seen=parse_datetime(data.get("first_seen")),
        last_seen=parse_datetime(data.get("last_seen")),
        project=project,
        platform=platform_of(as_str(data.get("library"))),
        permalink=permalink,
        type=name,
        value=description,
        assignee=parse_assignee(data.get("assignee")),
        **volume_trend(aggregations.get("volumeRange"), bucket_seconds),
        first_release=exception_release(as_dict(data.get("first_event")).get("properties")),
    )


def exception_release(properties: Any) -> str:
    """The release of an `$exception` event: `$exception_releases` maps a release id to its
    info (`version`, ...), set only where the SDK or a symbol-set upload named a release."""
    releases = parse_properties(parse_properties(properties).get("$exception_releases"))
    infos = [as_dict(info) for info in releases.values()]
    return next((as_str(i.get("version")) for i in infos if i.get("version")), "")


def volume_trend(volume: Any, bucket_seconds: int) -> dict[str, Any]:
    """`trend`/`trend_bucket` from `volumeRange` (counts per bucket, oldest first)."""
    counts = tuple(max(0, as_int(n)) for n in as_list(volume))
    return {"trend": counts, "trend_bucket": bucket_seconds} if counts and bucket_seconds else {}


def platform_of(library: str) -> str:
    """`posthog-python` -> `python`, `web` or `posthog-js` -> `javascript`, `posthog-node` ->
    `node`; frame platforms such as `web:javascript` work too."""
    library = library.lower()
    return next((p for key, p in _PLATFORMS if key in library), library)


def parse_properties(value: Any) -> dict[str, Any]:
    """Event properties as a dict; HogQL returns the `properties` column as a JSON string."""
    if isinstance(value, str):
        try:
            value = loads_json(value)
        except ValueError:
            return {}
    return as_dict(value)


def parse_event(
    row: Mapping[str, Any],
    *,
    contexts: Mapping[str, Mapping[str, Any]] | None = None,
    previous_id: str | None = None,
    next_id: str | None = None,
) -> Event:
    """An event from an `EventsQuery` row (`uuid`, `timestamp`, `distinct_id`, `properties`).

    `contexts` maps resolved frames' `raw_id` to the `context` that `batch_get` returned.
    """
    props = parse_properties(row.get("properties"))
    exceptions = parse_exception_list(props.get("$exception_list"), contexts or {})
    raised = exceptions[0] if exceptions else None
    tags = tuple((key.lstrip("$"), as_str(props[key])) for key in _TAG_PROPERTIES if props.get(key))
    library = as_str(props.get("$lib"))
    user = {"id": as_str(row.get("distinct_id"))} if row.get("distinct_id") else {}
    user.update({k: v for k, v in as_data(props.get("$set")).items() if k in ("email", "name")})
    return Event(
        id=as_id(row.get("uuid")),
        issue_id=as_str(props.get("$exception_issue_id")),
        title=f"{raised.type}: {raised.value}" if raised and raised.value else "",
        platform=platform_of(library) or _frame_platform(exceptions),
        timestamp=parse_datetime(row.get("timestamp")),
        level=as_str(props.get("$exception_level")) or "error",
        release=as_str(first(props, "$exception_release", "$app_version")),
        environment=as_str(props.get("$environment")),
        exceptions=exceptions,
        tags=tags,
        user=user,
        request=as_data({"url": props["$current_url"]}) if props.get("$current_url") else {},
        sdk=" ".join(as_str(props.get(k)) for k in ("$lib", "$lib_version") if props.get(k)),
        previous_event_id=previous_id,
        next_event_id=next_id,
        processing_errors=tuple(_cymbal_error(e) for e in as_list(props.get("$cymbal_errors"))),
        links=links_from_properties(props),
        grouping=posthog_event_grouping(props),
    )


def parse_exception_list(
    value: Any, contexts: Mapping[str, Mapping[str, Any]] | None = None
) -> tuple[ExceptionValue, ...]:
    """`$exception_list` (a list, or the JSON string HogQL may return) in PostHog's order."""
    if isinstance(value, str):
        try:
            value = loads_json(value)
        except ValueError:
            return ()
    items = [v for v in as_list(value) if isinstance(v, Mapping)]
    return tuple(_exception(item, contexts or {}) for item in items)


def resolved_raw_ids(exceptions: Any) -> list[str]:
    """The `raw_id`s of every resolved frame in a `$exception_list`, for `batch_get`."""
    ids: list[str] = []
    for item in as_list(exceptions):
        stack = as_dict(as_dict(item).get("stacktrace"))
        if stack.get("type") == "resolved":
            for frame in as_list(stack.get("frames")):
                raw_id = as_str(as_dict(frame).get("raw_id"))
                if raw_id and raw_id not in ids:
                    ids.append(raw_id)
    return ids


def parse_frame_contexts(data: Any) -> dict[str, dict[str, Any]]:
    """`batch_get`'s `{"results": [{raw_id, context}]}` as raw_id -> context."""
    results = data.get("results") if isinstance(data, Mapping) else data
    found = {}
    for item in as_list(results):
        item = as_dict(item)
        context = item.get("context")
        if item.get("raw_id") and isinstance(context, Mapping):
            found[as_str(item["raw_id"])] = dict(context)
    return found


def _exception(
    data: Mapping[str, Any], contexts: Mapping[str, Mapping[str, Any]]
) -> ExceptionValue:
    return ExceptionValue(
        type=as_str(data.get("type")) or "Error",
        value=as_str(data.get("value")),
        module=as_str(data.get("module")),
        mechanism=parse_mechanism(data.get("mechanism")),
        stacktrace=_stacktrace(data.get("stacktrace"), contexts),
    )


def _stacktrace(data: Any, contexts: Mapping[str, Mapping[str, Any]]) -> Stacktrace | None:
    if not isinstance(data, Mapping):
        return None
    frames = [f for f in as_list(data.get("frames")) if isinstance(f, Mapping)]
    if data.get("type") == "resolved" or any("raw_id" in f for f in frames):
        return Stacktrace(tuple(resolved_frame(f, contexts) for f in frames))
    return Stacktrace(tuple(raw_frame(f) for f in frames))


def raw_frame(data: Mapping[str, Any]) -> Frame:
    """A frame as the SDK sent it. JavaScript SDKs send the URL as `filename` only; it is also
    the `abs_path` the local symbolicator looks maps up by."""
    frame = parse_frame(data)
    return dataclasses.replace(
        frame,
        abs_path=frame.abs_path or frame.filename,
        chunk_id=as_str(data.get("chunk_id")),
        function="" if frame.function == "?" else frame.function,
    )


def resolved_frame(
    data: Mapping[str, Any], contexts: Mapping[str, Mapping[str, Any]] | None = None
) -> Frame:
    """A frame PostHog processed; unresolved ones keep the minified name and say why."""
    source = as_str(data.get("source"))
    resolved = bool(data.get("resolved"))
    failure = as_str(data.get("resolve_failure"))
    if not resolved and not failure and as_str(data.get("lang")) == "javascript":
        failure = "PostHog could not resolve this frame"
    name = as_str(data.get("resolved_name") or data.get("mangled_name"))
    frame = Frame(
        filename=source,
        abs_path=source,
        function="" if name == "?" else name,
        lineno=opt_int(data.get("line")),
        colno=opt_int(data.get("column")),
        in_app=bool(data.get("in_app")),
        platform=as_str(data.get("lang")),
        server_failure=failure,
    )
    context = (contexts or {}).get(as_str(data.get("raw_id")))
    return _with_context(frame, context) if context else frame


def _with_context(frame: Frame, context: Mapping[str, Any]) -> Frame:
    """`{before: [{number, line}], line: {number, line}, after: [...]}` -> pre/line/post."""
    line = _context_line(context.get("line"))
    if line is None:
        return frame
    before = [c for c in map(_context_line, as_list(context.get("before"))) if c]
    after = [c for c in map(_context_line, as_list(context.get("after"))) if c]
    return dataclasses.replace(
        frame,
        lineno=frame.lineno if frame.lineno is not None else line.lineno,
        pre_context=tuple(c.line for c in before),
        context_line=line.line,
        post_context=tuple(c.line for c in after),
    )


def _context_line(value: Any) -> ContextLine | None:
    data = as_dict(value)
    number = opt_int(data.get("number"))
    return ContextLine(number, as_str(data.get("line"))) if number is not None else None


def _frame_platform(exceptions: tuple[ExceptionValue, ...]) -> str:
    for exc in exceptions:
        for frame in exc.stacktrace.frames if exc.stacktrace else ():
            if frame.platform:
                return platform_of(frame.platform)
    return ""


def _cymbal_error(value: Any) -> str:
    if isinstance(value, Mapping):
        return as_str(value.get("message") or value.get("error") or value.get("type"))
    return as_str(value)
