"""An in-memory Sentry web API that replays recorded data, for `--demo` and for tests.

It answers the same paths and shapes as sentry.io, so the demo runs through the real
`SentryBackend`; status changes are kept in memory for the life of the process.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from importlib import resources
from typing import Any

import httpx

from tui.backends.search import issue_matches, release_matches, without_key
from tui.backends.sentry_parse import parse_datetime, parse_issue
from tui.demo.sentry_bundles import ARTIFACT_BUNDLES_PATH, artifact_bundles

DEMO_ORG = "demo"
DEMO_URL = "https://demo.stackdeck.invalid"
REPLAY_SPAN = timedelta(days=9)
TIME_KEYS = frozenset({"firstSeen", "lastSeen", "dateCreated", "dateReceived", "timestamp"})
NEW_FOR = timedelta(days=7)
"""How long Sentry calls an unresolved issue `new`."""
STATS_PERIODS = {"24h": (3600, 24), "14d": (86400, 14)}
"""Sentry's `groupStatsPeriod`s: seconds per bucket, number of buckets."""
SORT_KEYS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "date": lambda i: i["lastSeen"],
    "new": lambda i: i["firstSeen"],
    "freq": lambda i: int(i["count"]),
    "user": lambda i: i["userCount"],
}
_ISSUE_PATH = re.compile(rf"^/api/0/organizations/{DEMO_ORG}/issues/(?P<id>[^/]+)/$")
_EVENT_PATH = re.compile(
    rf"^/api/0/organizations/{DEMO_ORG}/issues/(?P<id>[^/]+)/events/(?P<ref>[^/]+)/$"
)
_SHORT_ID_PATH = re.compile(rf"^/api/0/organizations/{DEMO_ORG}/shortids/(?P<short>[^/]+)/$")
_EVENT_ID_PATH = re.compile(rf"^/api/0/organizations/{DEMO_ORG}/eventids/(?P<event>[^/]+)/$")
_GROUPING_PATH = re.compile(
    rf"^/api/0/projects/{DEMO_ORG}/(?P<project>[^/]+)/events/(?P<event>[^/]+)/grouping-info/$"
)
GROUPING_CONFIG = "newstyle:2023-01-11"
_COMMENTS_PATH = re.compile(rf"^/api/0/organizations/{DEMO_ORG}/issues/(?P<id>[^/]+)/comments/$")
DEMO_USERS = (
    {"id": "1", "username": "ada", "name": "Ada Lovelace", "email": "ada@shop.example"},
    {"id": "2", "username": "grace", "name": "Grace Hopper", "email": "grace@shop.example"},
    {"id": "3", "username": "linus", "name": "Linus Ops", "email": "linus@shop.example"},
)
"""The demo organisation's members; the token belongs to the first."""
DEMO_TEAMS = (
    {"id": "11", "slug": "checkout", "name": "Checkout"},
    {"id": "12", "slug": "platform", "name": "Platform"},
)


class DemoSentryServer:
    """Serves `issues` and their `events` (oldest first) as Sentry's web API would."""

    def __init__(
        self,
        issues: list[dict[str, Any]],
        events: dict[str, list[dict[str, Any]]],
        *,
        latency: float = 0.0,
        now: datetime | None = None,
    ) -> None:
        self.now = now or datetime.now(UTC)
        """The clock of the issue list's `stats`."""
        self.issues = {str(i["id"]): i for i in issues}
        self.events = events
        for issue_id, issue_events in events.items():
            if issue_id in self.issues and issue_events:
                self.issues[issue_id]["firstSeen"] = issue_events[0]["dateCreated"]
                self.issues[issue_id]["lastSeen"] = issue_events[-1]["dateCreated"]
        self.history = {
            issue_id: _dated(issue.pop("activity", None) or [], events.get(issue_id, []))
            for issue_id, issue in self.issues.items()
        }
        """The recorded status history (resolved in a release, regressed), newest first."""
        for issue in self.issues.values():
            issue["substatus"] = _substatus(issue, self.now)
        self.latency = latency
        self.requests: list[httpx.Request] = []
        self.activity: dict[str, list[dict[str, Any]]] = {}
        """Issue id -> its activity, newest first (only the issue detail carries it)."""

    @classmethod
    def from_package(cls, now: datetime | None = None, latency: float = 0.0) -> DemoSentryServer:
        """The bundled recordings, moved in time so that the newest event happened just now."""
        root = resources.files("tui.demo") / "data" / "sentry"
        # `issues.json` is the main recording; `issues-<topic>.json` files add issues recorded
        # for one feature (a native crash, cross-linked events, ...), each with its events.
        files = sorted(
            (f for f in root.iterdir() if f.name.startswith("issues") and f.name.endswith(".json")),
            key=lambda f: (f.name != "issues.json", f.name),
        )
        issues = [issue for f in files for issue in json.loads(f.read_text(encoding="utf-8"))]
        events = {
            str(issue["id"]): json.loads(
                (root / "events" / f"{issue['id']}.json").read_text(encoding="utf-8")
            )
            for issue in issues
        }
        now = now or datetime.now(UTC)
        return cls(issues, _replayed(events, now), latency=latency, now=now)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    async def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.latency:
            await asyncio.sleep(self.latency)
        path = request.url.path
        if path == "/api/0/organizations/":
            return httpx.Response(200, json=[{"id": "1", "slug": DEMO_ORG, "name": "Demo"}])
        if path == f"/api/0/organizations/{DEMO_ORG}/projects/":
            return httpx.Response(200, json=self._projects())
        if path == f"/api/0/organizations/{DEMO_ORG}/issues/" and request.method == "GET":
            return self._list(request)
        if path == f"/api/0/organizations/{DEMO_ORG}/issues/" and request.method == "PUT":
            return self._bulk_update(request)
        if path == f"/api/0/organizations/{DEMO_ORG}/members/":
            return httpx.Response(200, json=[_member(u) for u in DEMO_USERS])
        if path == f"/api/0/organizations/{DEMO_ORG}/teams/":
            return httpx.Response(200, json=list(DEMO_TEAMS))
        if path == "/api/0/users/me/":
            return httpx.Response(200, json=DEMO_USERS[0])
        if (match := _COMMENTS_PATH.match(path)) and request.method == "POST":
            return self._comment(match["id"], json.loads(request.content or b"{}"))
        if match := _EVENT_PATH.match(path):
            return self._event(match["id"], match["ref"])
        if match := _SHORT_ID_PATH.match(path):
            return self._short_id(match["short"])
        if match := ARTIFACT_BUNDLES_PATH.match(path):
            return artifact_bundles(match["project"])
        if match := _EVENT_ID_PATH.match(path):
            return self._event_id(match["event"])
        if match := _GROUPING_PATH.match(path):
            return self._grouping_info(match["event"])
        if match := _ISSUE_PATH.match(path):
            if request.method == "PUT":
                return self._update(match["id"], json.loads(request.content or b"{}"))
            return self._issue(match["id"])
        return _detail(404, "The requested resource does not exist")

    def _projects(self) -> list[dict[str, Any]]:
        projects = {str(i["project"]["id"]): i["project"] for i in self.issues.values()}
        return list(projects.values())

    def _list(self, request: httpx.Request) -> httpx.Response:
        params = request.url.params
        wanted = set(params.get_list("project"))
        environment = params.get("environment")
        # Sentry's `release:` matches an issue with any event in that release.
        releases, query = without_key(params.get("query", "is:unresolved"), "release")
        found = [
            issue
            for issue in self.issues.values()
            if issue_matches(parse_issue(issue), query)
            and (not wanted or str(issue["project"]["id"]) in wanted)
            and (not environment or environment in self._environments(str(issue["id"])))
            and all(release_matches(self._releases(str(issue["id"])), r) for r in releases)
        ]
        found.sort(key=SORT_KEYS.get(params.get("sort", "date"), SORT_KEYS["date"]), reverse=True)
        offset = int(params.get("cursor", "0:0:0").split(":")[1] or 0)
        limit = int(params.get("limit", 100))
        period = params.get("groupStatsPeriod") or "24h"
        if period not in STATS_PERIODS:
            return _detail(400, f"Invalid groupStatsPeriod: {period}")
        page = [
            {**i, "stats": {period: self._stats(str(i["id"]), period)}}
            for i in found[offset : offset + limit]
        ]
        more = offset + limit < len(found)
        previous = _link(request, "previous", f"0:{max(0, offset - limit)}:1", offset > 0)
        following = _link(request, "next", f"0:{offset + limit}:0", more)
        return httpx.Response(200, json=page, headers={"Link": f"{previous}, {following}"})

    def _environments(self, issue_id: str) -> set[str]:
        return {
            tag["value"]
            for event in self.events.get(issue_id, [])
            for tag in event.get("tags", [])
            if tag.get("key") == "environment"
        }

    def _releases(self, issue_id: str) -> tuple[str, ...]:
        """The issue's releases in the order its events saw them."""
        found = (_release_of(e) for e in self.events.get(issue_id, []))
        return tuple(dict.fromkeys(r for r in found if r))

    def _stats(self, issue_id: str, period: str) -> list[list[int]]:
        """Sentry's `stats[period]`: `[bucket start epoch, events]`, oldest first, the last
        bucket holding now."""
        size, count = STATS_PERIODS[period]
        end = int(self.now.timestamp()) // size * size
        starts = [end - size * (count - 1 - i) for i in range(count)]
        totals = dict.fromkeys(starts, 0)
        for event in self.events.get(issue_id, []):
            moment = parse_datetime(event.get("dateCreated"))
            bucket = int(moment.timestamp()) // size * size if moment else None
            if bucket in totals:
                totals[bucket] += 1
        return [[start, n] for start, n in totals.items()]

    def _issue(self, issue_id: str) -> httpx.Response:
        if issue_id not in self.issues:
            return _detail(404, "The requested resource does not exist")
        first_seen: dict[str, Any] = {"id": "0", "type": "first_seen", "data": {}, "user": None}
        first_seen["dateCreated"] = self.issues[issue_id]["firstSeen"]
        history = [*self.activity.get(issue_id, []), *self.history[issue_id], first_seen]
        releases = self._releases(issue_id)
        detail = {
            **self.issues[issue_id],
            "activity": history,
            # As GroupDetailsEndpoint adds them: serialized releases, each tag's top values.
            "firstRelease": {"version": releases[0]} if releases else None,
            "lastRelease": {"version": releases[-1]} if releases else None,
            "tags": [
                {"key": "environment", "topValues": [{"value": v} for v in sorted(envs)]}
                for envs in [self._environments(issue_id)]
                if envs
            ],
        }
        return httpx.Response(200, json=detail)

    def _short_id(self, short_id: str) -> httpx.Response:
        for issue in self.issues.values():
            if issue["shortId"].lower() == short_id.lower():
                return httpx.Response(200, json={"groupId": issue["id"], "group": issue})
        return _detail(404, "The requested resource does not exist")

    def _event_id(self, event_id: str) -> httpx.Response:
        """Sentry's `eventids/` lookup: which issue (and project) holds an SDK event id."""
        wanted = event_id.replace("-", "").lower()
        for issue_id, events in self.events.items():
            for event in events:
                if event["eventID"] == wanted and issue_id in self.issues:
                    project = self.issues[issue_id]["project"]
                    return httpx.Response(
                        200,
                        json={
                            "organizationSlug": DEMO_ORG,
                            "projectSlug": project["slug"],
                            "groupId": issue_id,
                            "eventId": wanted,
                            "event": event,
                        },
                    )
        return _detail(404, "The requested resource does not exist")

    def _grouping_info(self, event_id: str) -> httpx.Response:
        """Sentry's grouping-info shape, from the hash the recording stored with the event:
        the in-app variant contributed it, the system variant did not."""
        event = next(
            (e for es in self.events.values() for e in es if e["eventID"] == event_id), None
        )
        if event is None:
            return _detail(404, "Event not found")
        app_hash = (event.get("fingerprints") or [None])[0]
        variants = {
            "app": _variant("app", "in-app exception stack-trace", app_hash),
            "system": _variant("system", "exception stack-trace", None),
        }
        return httpx.Response(200, json={"grouping_config": GROUPING_CONFIG, "variants": variants})

    def _event(self, issue_id: str, ref: str) -> httpx.Response:
        events = self.events.get(issue_id)
        if not events:
            return _detail(404, "The requested resource does not exist")
        index = {"latest": len(events) - 1, "oldest": 0, "recommended": len(events) - 1}.get(ref)
        if index is None:
            ids = [e["eventID"] for e in events]
            if ref not in ids:
                return _detail(404, "Event not found")
            index = ids.index(ref)
        event = dict(events[index])
        event["previousEventID"] = events[index - 1]["eventID"] if index > 0 else None
        event["nextEventID"] = events[index + 1]["eventID"] if index + 1 < len(events) else None
        return httpx.Response(200, json=event)

    def _bulk_update(self, request: httpx.Request) -> httpx.Response:
        ids = request.url.params.get_list("id")
        if not ids:
            # Sentry would change every issue of the organisation: the demo refuses, so that
            # a request without ids shows up as a failure instead of a quiet mass change.
            return _detail(400, "the demo refuses a bulk update without id parameters")
        body = json.loads(request.content or b"{}")
        for issue_id in ids:
            answer = self._update(issue_id, body)
            if answer.status_code != 200:
                return answer
        return httpx.Response(200, json=body)

    def _update(self, issue_id: str, body: dict[str, Any]) -> httpx.Response:
        issue = self.issues.get(issue_id)
        if issue is None:
            return _detail(404, "The requested resource does not exist")
        if "assignedTo" in body:
            return self._assign(issue, body["assignedTo"])
        status = body.get("status")
        if status not in ("resolved", "unresolved", "ignored"):
            return _detail(400, f"invalid status {status!r}")
        issue["status"] = status
        issue["statusDetails"] = _status_details(body.get("statusDetails") or {})
        issue["substatus"] = body.get("substatus") or {
            "unresolved": "ongoing",
            "ignored": "archived_until_escalating",
        }.get(status)
        kind = {"resolved": "set_resolved", "ignored": "set_ignored"}.get(status, "set_unresolved")
        self._record(issue_id, kind, issue["statusDetails"])
        return httpx.Response(200, json=issue)

    def _assign(self, issue: dict[str, Any], target: Any) -> httpx.Response:
        if not target:
            issue["assignedTo"] = None
            self._record(str(issue["id"]), "unassigned", {})
            return httpx.Response(200, json=issue)
        kind, _, wanted = str(target).rpartition(":")
        found = _assignee(kind or "user", wanted)
        if found is None:
            return _detail(400, f"Unknown actor input: {target}")
        issue["assignedTo"] = found
        self._record(str(issue["id"]), "assigned", {"assignee": found["name"]})
        return httpx.Response(200, json=issue)

    def _comment(self, issue_id: str, body: dict[str, Any]) -> httpx.Response:
        text = body.get("text")
        if issue_id not in self.issues:
            return _detail(404, "The requested resource does not exist")
        if not isinstance(text, str) or not text.strip():
            return _detail(400, "This field may not be blank.")
        return httpx.Response(201, json=self._record(issue_id, "note", {"text": text}))

    def _record(self, issue_id: str, kind: str, data: dict[str, Any]) -> dict[str, Any]:
        history = self.activity.setdefault(issue_id, [])
        entry = {
            "id": str(len(history) + 1),
            "type": kind,
            "data": data,
            "user": DEMO_USERS[0],
            "dateCreated": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        }
        history.insert(0, entry)
        return entry


def _variant(key: str, description: str, hash_value: str | None) -> dict[str, Any]:
    return {
        "key": key,
        "type": "component",
        "description": description,
        "hash": hash_value,
        "hashMismatch": False,
        "contributes": hash_value is not None,
        "config": {"id": GROUPING_CONFIG},
    }


def _dated(history: list[dict[str, Any]], events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Recorded activity with its time: that of the event it names (`eventID`), which the
    replay moved; a resolve comes a minute after the last event before the fix."""
    when = {e["eventID"]: parse_datetime(e.get("dateCreated")) for e in events}
    dated = []
    for number, entry in enumerate(history, start=1):
        moment = when.get(entry.pop("eventID", None)) or datetime.now(UTC)
        if entry["type"] == "set_resolved_in_release":
            moment += timedelta(minutes=1)
        entry.update(id=f"r{number}", dateCreated=moment.isoformat().replace("+00:00", "Z"))
        dated.append(entry)
    return dated


def _substatus(issue: dict[str, Any], now: datetime) -> str | None:
    """Sentry's own: an unresolved issue is `new` for its first week, then `ongoing`, unless
    it regressed; others keep the recorded value."""
    recorded = issue.get("substatus")
    if issue.get("status") != "unresolved" or recorded not in ("new", "ongoing"):
        return recorded
    first_seen = parse_datetime(issue.get("firstSeen"))
    return "new" if first_seen is not None and now - first_seen <= NEW_FOR else "ongoing"


def _release_of(event: dict[str, Any]) -> str:
    release = event.get("release")
    return str(release.get("version") or "") if isinstance(release, dict) else str(release or "")


def _member(user: dict[str, str]) -> dict[str, Any]:
    return {"id": f"m{user['id']}", "email": user["email"], "name": user["name"], "user": user}


def _assignee(kind: str, wanted: str) -> dict[str, str] | None:
    """An `assignedTo` answer for `user:ID`, `team:ID` or a username, as Sentry shapes it."""
    if kind == "team":
        team = next((t for t in DEMO_TEAMS if t["id"] == wanted), None)
        return {"type": "team", "id": team["id"], "name": team["slug"]} if team else None
    user = next((u for u in DEMO_USERS if wanted in (u["id"], u["username"], u["email"])), None)
    if user is None:
        return None
    return {"type": "user", "id": user["id"], "name": user["name"], "email": user["email"]}


def _replayed(
    events: dict[str, list[dict[str, Any]]], now: datetime
) -> dict[str, list[dict[str, Any]]]:
    """The recordings replayed over the last `REPLAY_SPAN`, newest event just now.

    The SDKs recorded every event within seconds; a triage list where everything happened at
    once shows nothing. Each event moves as a whole (its breadcrumbs keep their real spacing)
    to a slot on a schedule that thins out into the past, keeping the recorded order.
    """
    flat = sorted(
        ((issue_id, i, e) for issue_id, evs in events.items() for i, e in enumerate(evs)),
        key=lambda item: parse_datetime(item[2].get("dateCreated")) or now,
        reverse=True,
    )
    replayed = {issue_id: list(evs) for issue_id, evs in events.items()}
    newest = now - timedelta(minutes=4)
    for rank, (issue_id, index, event) in enumerate(flat):
        slot = newest - REPLAY_SPAN * (rank / max(1, len(flat) - 1)) ** 2
        recorded = parse_datetime(event.get("dateCreated")) or slot
        replayed[issue_id][index] = _shifted(event, slot - recorded)
    return replayed


def _shifted(data: Any, shift: timedelta) -> Any:
    """`data` with every timestamp moved by `shift`, in place: `from_package` parsed it just
    now, and a deep copy of every recording would cost the demo's start-up more than the move."""

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            for key, value in node.items():
                moment = parse_datetime(value) if key in TIME_KEYS else None
                if moment is not None:
                    node[key] = (moment + shift).isoformat().replace("+00:00", "Z")
                else:
                    walk(value)

    walk(data)
    return data


def _link(request: httpx.Request, rel: str, cursor: str, results: bool) -> str:
    url = request.url.copy_set_param("cursor", cursor)
    return f'<{url}>; rel="{rel}"; results="{str(results).lower()}"; cursor="{cursor}"'


def _detail(status: int, message: str) -> httpx.Response:
    return httpx.Response(status, json={"detail": message})


def _status_details(sent: dict[str, Any]) -> dict[str, Any]:
    """What Sentry reports back: an ignore for N minutes becomes the time it ends."""
    details = dict(sent)
    minutes = details.pop("ignoreDuration", None)
    if isinstance(minutes, int):
        ends = datetime.now(UTC) + timedelta(minutes=minutes)
        details["ignoreUntil"] = ends.isoformat().replace("+00:00", "Z")
    return details
