"""Turn recorded SDK ingestion events into what Sentry's web API returns for them.

Follows what Sentry does between ingestion and `GET .../issues/` and `.../events/{id}/`:
Relay's frame trimming (getsentry/relay `relay-event-normalization/src/trimming.rs`: at most
250 frames, vars and pre/post context dropped on middle frames beyond 50), then the serializers
(getsentry/sentry `src/sentry/api/serializers/models/event.py`, `interfaces/stacktrace.py`
`Frame.get_api_context`, `get_context`, `get_culprit_string`, `eventtypes/error.py`). Neither
sentry-sdk nor Relay sets `frames_omitted` for Python, so `framesOmitted` stays null.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from api_event import contexts, entries, iso, message_entry, tags, user, user_tag
from api_frames import last_in_app_frame, main_exception

PERMALINK_ROOT = "https://demo.stackdeck.invalid/organizations/demo/issues/"


@dataclass(frozen=True)
class Project:
    id: str
    slug: str
    name: str
    platform: str


@dataclass
class Group:
    key: tuple[str, ...]
    project: Project
    events: list[dict[str, Any]]


def _moment(event: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(iso(event["timestamp"]).replace("Z", "+00:00"))


HEX_SUFFIX = re.compile(r"[-.][a-f0-9]{7,}$", re.IGNORECASE)


def js_module(url: str) -> str:
    """A simplified `generate_module`: the URL path without slash, extension or commit hash."""
    path = urlsplit(url).path.lstrip("/")
    stem = path.rsplit(".", 1)[0] if "." in path.rsplit("/", 1)[-1] else path
    return HEX_SUFFIX.sub("", stem.removesuffix(".min")) or "<unknown module>"


def normalize_js_frames(event: dict[str, Any]) -> dict[str, Any]:
    """What Sentry's JavaScript processing does to URL frames even without a source map:
    `filename` becomes the URL's path and `module` is generated from it."""
    if event.get("platform") not in ("javascript", "node"):
        return event
    event = copy.deepcopy(event)
    for value in event["exception"]["values"]:
        for frame in (value.get("stacktrace") or {}).get("frames") or []:
            url = frame.get("abs_path") or ""
            if url.startswith(("http://", "https://")):
                frame["filename"] = urlsplit(url).path
                frame["module"] = js_module(url)
    return event


def group_key(slug: str, event: dict[str, Any]) -> tuple[str, ...]:
    """One issue per bug: exception type and the crashing in-app frame."""
    exception = main_exception(event)
    frame = last_in_app_frame(exception) or {}
    where = frame.get("module") or frame.get("filename") or ""
    return (slug, exception.get("type", ""), where, frame.get("function") or "")


def group_events(recorded: list[tuple[Project, dict[str, Any]]]) -> list[Group]:
    groups: dict[tuple[str, ...], Group] = {}
    for project, event in recorded:
        key = group_key(project.slug, event)
        groups.setdefault(key, Group(key, project, [])).events.append(event)
    for group in groups.values():
        group.events.sort(key=_moment)
    return sorted(groups.values(), key=lambda group: _moment(group.events[0]))


def issue_id(key: tuple[str, ...]) -> str:
    """A Sentry-like numeric id, derived from the grouping key so re-recording keeps it."""
    digest = hashlib.sha256("\0".join(key).encode()).hexdigest()
    return str(4800000000 + int(digest[:8], 16) % 100000000)


def _base36(number: int) -> str:
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    text = ""
    while number:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
    return text or "0"


def _first_line(value: str) -> str:
    lines = value.splitlines()
    return lines[0] if lines else ""


def _truncate(value: str, length: int) -> str:
    return value if len(value) <= length else value[: length - 3] + "..."


def metadata(event: dict[str, Any]) -> dict[str, Any]:
    exception = main_exception(event)
    frame = last_in_app_frame(exception) or {}
    return {
        "type": exception.get("type", "Error"),
        "value": exception.get("value") or "",
        "filename": frame.get("filename") or "",
        "function": frame.get("function") or "",
    }


def title(event: dict[str, Any]) -> str:
    meta = metadata(event)
    if not meta["value"]:
        return meta["type"]
    return f"{meta['type']}: {_truncate(_first_line(meta['value']), 100)}"


def culprit(event: dict[str, Any]) -> str:
    """`Frame.get_culprit_string` of the crashing frame."""
    frame = last_in_app_frame(main_exception(event)) or {}
    fileloc = frame.get("module") or frame.get("filename") or ""
    if not fileloc:
        return ""
    function = frame.get("function") or "?"
    if event.get("platform") in ("javascript", "node"):
        return f"{function}({fileloc})"
    return f"{_truncate(fileloc, 100)} in {_truncate(function, 100)}"


def release(version: str | None, first_seen: dict[str, str]) -> dict[str, Any] | None:
    if not version:
        return None
    return {
        "version": version,
        "shortVersion": version.split("@", 1)[-1],
        "dateCreated": first_seen[version],
        "dateReleased": None,
        "ref": None,
        "url": None,
    }


def event_detail(
    event: dict[str, Any], group_id: str, project: Project, releases: dict[str, str]
) -> dict[str, Any]:
    created = iso(event["timestamp"])
    meta = metadata(event)
    return {
        "id": event["event_id"],
        "eventID": event["event_id"],
        "groupID": group_id,
        "projectID": project.id,
        "type": "error",
        "platform": event.get("platform", project.platform),
        "title": title(event),
        "message": (message_entry(event) or {"data": {"formatted": ""}})["data"]["formatted"],
        "location": meta["filename"] or None,
        "culprit": culprit(event),
        "dateCreated": created,
        "dateReceived": created,
        "dist": event.get("dist"),
        "size": len(json.dumps(event)),
        "release": release(event.get("release"), releases),
        "sdk": {"name": event["sdk"]["name"], "version": event["sdk"]["version"]},
        "user": user(event),
        "tags": tags(event),
        "contexts": contexts(event),
        "context": event.get("extra") or {},
        "metadata": meta,
        "fingerprints": [
            hashlib.md5("\0".join(group_key(project.slug, event)).encode()).hexdigest()
        ],
        "errors": [],
        "packages": event.get("modules") or {},
        "previousEventID": None,
        "nextEventID": None,
        "entries": entries(event),
    }


def _stats(events: list[dict[str, Any]]) -> dict[str, list[list[int]]]:
    """Hourly counts over the 24 hours that end with the last event."""
    last = _moment(events[-1]).replace(minute=0, second=0, microsecond=0)
    buckets = [last - timedelta(hours=23 - hour) for hour in range(24)]
    counts = {bucket: 0 for bucket in buckets}
    for event in events:
        hour = _moment(event).replace(minute=0, second=0, microsecond=0)
        if hour in counts:
            counts[hour] += 1
    return {"24h": [[int(bucket.timestamp()), counts[bucket]] for bucket in buckets]}


def issue_item(group: Group, number: int) -> dict[str, Any]:
    latest = group.events[-1]
    users = {user_tag(event) for event in group.events} - {None}
    unhandled = any(
        (main_exception(event).get("mechanism") or {}).get("handled") is False
        for event in group.events
    )
    counts = {
        "count": str(len(group.events)),
        "userCount": len(users),
        "firstSeen": iso(group.events[0]["timestamp"]),
        "lastSeen": iso(latest["timestamp"]),
    }
    gid = issue_id(group.key)
    return {
        "id": gid,
        "shareId": None,
        "shortId": f"{group.project.slug.upper()}-{_base36(number)}",
        "title": title(latest),
        "culprit": culprit(latest),
        "permalink": f"{PERMALINK_ROOT}{gid}/",
        "logger": latest.get("logger"),
        "level": latest.get("level", "error"),
        "status": "unresolved",
        "statusDetails": {},
        "substatus": "new",
        "isPublic": False,
        "platform": group.project.platform,
        "priority": "high" if unhandled else "medium",
        "priorityLockedAt": None,
        "project": {
            "id": group.project.id,
            "name": group.project.name,
            "slug": group.project.slug,
            "platform": group.project.platform,
        },
        "type": "error",
        "issueType": "error",
        "issueCategory": "error",
        "metadata": metadata(latest),
        "numComments": 0,
        "assignedTo": None,
        "isBookmarked": False,
        "isSubscribed": False,
        "subscriptionDetails": None,
        "hasSeen": False,
        "annotations": [],
        "isUnhandled": unhandled,
        **counts,
        "stats": _stats(group.events),
        "lifetime": {**counts, "stats": None},
        "filtered": None,
    }


def status_history(group: Group, fixes: dict[str, str]) -> list[dict[str, Any]]:
    """The issue's resolve-in-release and regression, newest first, as Sentry's activity
    records them; each names the event it follows (`eventID`), which the demo server turns
    into a time once it has replayed the events to the present."""
    history: list[dict[str, Any]] = []
    for before, after in zip(group.events, [*group.events[1:], None], strict=True):
        fixed = fixes.get(before["event_id"])
        if fixed is None:
            continue
        history.append(_activity("set_resolved_in_release", {"version": fixed}, before))
        if after is not None:
            history.append(_activity("set_regression", {"version": after["release"]}, after))
    return history[::-1]


def _activity(kind: str, data: dict[str, Any], event: dict[str, Any]) -> dict[str, Any]:
    return {"type": kind, "data": data, "user": None, "eventID": event["event_id"]}


def convert(
    recorded: list[tuple[Project, dict[str, Any]]],
    fixes: dict[str, str] | None = None,
) -> tuple[list[dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    """Issues newest `lastSeen` first, and each issue's events oldest first.

    `fixes` maps the id of a bug's last event before its fix to the release that fixed it:
    the issue was resolved in that release, and a later event regressed it."""
    recorded = [(project, normalize_js_frames(event)) for project, event in recorded]
    releases: dict[str, str] = {}
    for _, event in sorted(recorded, key=lambda pair: _moment(pair[1])):
        releases.setdefault(event.get("release", ""), iso(event["timestamp"]))
    groups = group_events(recorded)
    numbers: dict[str, int] = defaultdict(int)
    issues: list[dict[str, Any]] = []
    events: dict[str, list[dict[str, Any]]] = {}
    for group in groups:
        numbers[group.project.slug] += 1
        issue = issue_item(group, numbers[group.project.slug])
        if history := status_history(group, fixes or {}):
            # Sentry's list says `regressed` until the issue moves on; only the detail has
            # the activity (the demo server takes it out of the list).
            regressed = history[0]["type"] == "set_regression"
            issue.update(substatus="regressed" if regressed else issue["substatus"])
            issue["activity"] = history
        details = [event_detail(e, issue["id"], group.project, releases) for e in group.events]
        for before, after in zip(details, details[1:], strict=False):
            before["nextEventID"] = after["eventID"]
            after["previousEventID"] = before["eventID"]
        issues.append(issue)
        events[issue["id"]] = details
    issues.sort(key=lambda issue: issue["lastSeen"], reverse=True)
    return issues, events
