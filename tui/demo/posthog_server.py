"""An in-memory PostHog error-tracking API that replays recorded data, for the demo and tests.

It answers the Query API (`ErrorTrackingQuery`, `EventsQuery`) and the error-tracking REST routes
the way PostHog does, rejecting unknown fields like PostHog's `extra="forbid"` query models, so
the demo runs through the real `PostHogBackend`. Status changes are kept in memory. Switches let
tests play an older server: error-tracking routes only under `/api/environments/`, issue routes
that refuse personal API keys, a key missing scopes.
"""

from __future__ import annotations

import asyncio
import json
import math
import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tui.backends.sentry_parse import parse_datetime
from tui.demo.posthog_data import demo_symbol_set, load_demo_data, replayed
from tui.demo.posthog_people import activity_entry, known_assignee, org_route
from tui.demo.posthog_symbol_store import FAILED_SETS, STORAGE_URL, DemoSymbolStore
from tui.demo.posthog_symbol_store import detail as _detail
from tui.demo.posthog_symbol_store import iso as _iso

DEMO_POSTHOG_URL = "https://posthog.demo.stackdeck.invalid"
DEMO_PROJECT = "73091"
QUERY_BODY_KEYS = frozenset({"query", "refresh", "client_query_id", "async", "name"})
ET_KEYS = frozenset(
    {
        "kind", "issueId", "orderBy", "orderDirection", "dateRange", "status", "assignee",
        "filterGroup", "filterTestAccounts", "searchQuery", "volumeResolution", "withAggregations",
        "withFirstEvent", "withLastEvent", "limit", "offset", "modifiers", "response", "tags",
    }
)  # fmt: skip
ET_REQUIRED = frozenset({"kind", "dateRange", "volumeResolution"})
EV_KEYS = frozenset(
    {
        "kind", "event", "select", "where", "properties", "fixedProperties", "orderBy", "limit",
        "offset", "after", "before", "personId", "actionId", "filterTestAccounts", "source",
        "modifiers", "response", "tags",
    }
)  # fmt: skip
EV_REQUIRED = frozenset({"kind", "select"})
DATE_RANGE_KEYS = frozenset({"date_from", "date_to", "explicitDate"})
ISSUE_STATUSES = frozenset({"active", "resolved", "suppressed", "archived", "pending_release"})
WRITABLE_STATUSES = frozenset({"active", "resolved", "suppressed"})
ORDERS = ("last_seen", "first_seen", "occurrences", "users", "sessions")
PERSONAL_KEY_REFUSED = "This action does not support Personal API Key access"
_ROUTE = re.compile(r"^/api/(?P<prefix>projects|environments)/(?P<project>\d+)/(?P<rest>.*)$")
_ISSUE = re.compile(r"^error_tracking/issues/(?P<id>[0-9a-f-]{36})/$")
_ACTIVITY = re.compile(r"^error_tracking/issues/(?P<id>[0-9a-f-]{36})/activity/$")
_ASSIGN = re.compile(r"^error_tracking/issues/(?P<id>[0-9a-f-]{36})/assign/$")
_WHERE = (
    ("issue", re.compile(r"^properties\.\$exception_issue_id = '(?P<v>[0-9a-f-]{36})'$")),
    ("uuid", re.compile(r"^uuid = '(?P<v>[0-9a-f-]{36})'$")),
    ("person", re.compile(r"^distinct_id = '(?P<v>(?:[^'\\]|\\.)*)'$")),
    ("ts", re.compile(r"^timestamp (?P<op>[<>]) toDateTime64\('(?P<v>[0-9: .-]+)', 6, 'UTC'\)$")),
)
_RELATIVE = re.compile(r"^-(\d+)([hdwmy])$")
_UNITS = {"h": 1 / 24, "d": 1, "w": 7, "m": 30, "y": 365}


class QueryError(Exception):
    """A request PostHog would refuse with 400; `str()` is its `detail`."""


class DemoPostHogServer:
    """Serves `issues`, their `events` and frame `contexts` as PostHog's API would."""

    def __init__(
        self,
        issues: list[dict[str, Any]],
        events: list[dict[str, Any]],
        contexts: dict[str, dict[str, Any]],
        *,
        now: datetime,
        symbol_sets: dict[str, bytes] | None = None,
        failed_symbol_sets: dict[str, str] | None = None,
        latency: float = 0.0,
        project_routes: Iterable[str] = ("query", "error_tracking"),
        refuse_personal_keys: bool = False,
        scopes: Iterable[str] | None = None,
    ) -> None:
        self.issues = {i["id"]: dict(i) for i in issues}
        self.events = sorted(events, key=lambda e: _when(e))
        self.contexts = contexts
        self.now = now
        self.symbol_store = DemoSymbolStore(now)
        for ref, blob in (symbol_sets or {}).items():
            self.symbol_store.add(ref, blob)
        for ref, reason in (failed_symbol_sets or {}).items():
            # An earlier release's upload: older than the recordings.
            self.symbol_store.add(ref, None, failure=reason, created=now - timedelta(days=9))
        self.latency = latency
        self.project_routes = frozenset(project_routes)
        self.refuse_personal_keys = refuse_personal_keys
        self.scopes = None if scopes is None else frozenset(scopes)
        self.requests: list[httpx.Request] = []
        self.activity: dict[str, list[dict[str, Any]]] = {}
        """Issue id -> its activity log, newest first."""

    @classmethod
    def from_package(cls, now: datetime | None = None, **options: Any) -> DemoPostHogServer:
        """The bundled recordings, moved in time so that the newest event happened just now."""
        now = now or datetime.now(UTC)
        data = load_demo_data()
        events = replayed(data["events"], now)
        symbol_sets = {data["chunk_id"]: demo_symbol_set(data["chunk_id"])}
        options.setdefault("failed_symbol_sets", FAILED_SETS)
        return cls(
            data["issues"], events, data["frames"], now=now, symbol_sets=symbol_sets, **options
        )

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def bodies(self, suffix: str) -> list[Any]:
        """JSON bodies of the requests whose path ends with `suffix`, in order."""
        return [
            json.loads(r.content)
            for r in self.requests
            if r.url.path.endswith(suffix) and r.content
        ]

    async def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.latency:
            await asyncio.sleep(self.latency)
        if request.url.host == httpx.URL(STORAGE_URL).host:
            return self.symbol_store.storage(request)
        if not request.headers.get("authorization", "").startswith("Bearer "):
            return _detail(401, "Authentication credentials were not provided.")
        if (people := org_route(request.url.path)) is not None:
            return people
        match = _ROUTE.match(request.url.path)
        if match is None or match["project"] != DEMO_PROJECT:
            return _not_found()
        if match["rest"] == "":
            return httpx.Response(200, json={"id": int(DEMO_PROJECT), "name": "Demo shop"})
        family = match["rest"].split("/", 1)[0]
        if match["prefix"] == "projects" and family not in self.project_routes:
            return _not_found()
        try:
            return self._route(request, match["rest"])
        except QueryError as exc:
            return httpx.Response(400, json={"type": "validation_error", "detail": str(exc)})

    def _route(self, request: httpx.Request, rest: str) -> httpx.Response:
        method = request.method
        if rest.startswith("error_tracking/symbol_sets/"):  # multipart bodies, not JSON
            needs = "error_tracking:read" if method == "GET" else "error_tracking:write"
            answer = self._guarded(needs) or self.symbol_store.route(request, rest)
            return answer or _not_found()
        body = json.loads(request.content) if request.content else {}
        if rest == "query/" and method == "POST":
            return self._guarded("query:read") or self._query(body)
        if (match := _ACTIVITY.match(rest)) and method == "GET":
            refused = self._guarded("error_tracking:read", issue_route=True)
            return refused or self._activity(match["id"])
        if (match := _ASSIGN.match(rest)) and method == "PATCH":
            refused = self._guarded("error_tracking:write", issue_route=True)
            return refused or self._assign(match["id"], body)
        if match := _ISSUE.match(rest):
            needs = "error_tracking:read" if method == "GET" else "error_tracking:write"
            refused = self._guarded(needs, issue_route=True)
            return refused or self._issue(method, match["id"], body)
        if rest == "error_tracking/issues/bulk/" and method == "POST":
            return self._guarded("error_tracking:write", issue_route=True) or self._bulk(body)
        if rest == "error_tracking/stack_frames/batch_get/" and method == "POST":
            return self._guarded("error_tracking:read") or self._batch_get(body)
        if rest == "error_tracking/fingerprints/" and method == "GET":
            return self._guarded("error_tracking:read") or self._fingerprints(request)
        return _not_found()

    def _fingerprints(self, request: httpx.Request) -> httpx.Response:
        """An issue's fingerprints, as PostHog lists them (one page)."""
        wanted = request.url.params.get("issue_id")
        rows = [
            {"fingerprint": issue["fingerprint"], "issue_id": issue["id"]}
            for issue in self.issues.values()
            if issue["id"] == wanted and issue.get("fingerprint")
        ]
        page = {"count": len(rows), "next": None, "previous": None, "results": rows}
        return httpx.Response(200, json=page)

    def _guarded(self, scope: str, *, issue_route: bool = False) -> httpx.Response | None:
        if issue_route and self.refuse_personal_keys:
            return _detail(403, PERSONAL_KEY_REFUSED)
        if self.scopes is not None and scope not in self.scopes:
            return _detail(403, f"API key missing required scope '{scope}'")
        return None

    def _query(self, body: dict[str, Any]) -> httpx.Response:
        _check_keys(body, QUERY_BODY_KEYS, {"query"}, "request")
        query = body["query"]
        kind = query.get("kind") if isinstance(query, dict) else None
        if kind == "ErrorTrackingQuery":
            _check_keys(query, ET_KEYS, ET_REQUIRED, kind)
            return httpx.Response(200, json=self._error_tracking(query))
        if kind == "EventsQuery":
            _check_keys(query, EV_KEYS, EV_REQUIRED, kind)
            return httpx.Response(200, json=self._events_query(query))
        raise QueryError(f"unknown query kind {kind!r}")

    def _error_tracking(self, query: dict[str, Any]) -> dict[str, Any]:
        _check_keys(query["dateRange"], DATE_RANGE_KEYS, set(), "dateRange")
        order, status = query.get("orderBy", "last_seen"), query.get("status", "active")
        if order not in ORDERS or status not in ISSUE_STATUSES | {"all"}:
            raise QueryError(f"invalid orderBy {order!r} or status {status!r}")
        since = self._since(query["dateRange"].get("date_from"))
        words = str(query.get("searchQuery", "")).lower().split()
        results = []
        for issue in self.issues.values():
            events = [e for e in self._of(issue["id"]) if since is None or _when(e) >= since]
            wanted = query.get("issueId") in (None, issue["id"])
            if not (events and wanted and status in ("all", issue["status"])):
                continue
            if all(w in _haystack(issue, events) for w in words):
                volume = self._volume(events, since, int(query["volumeResolution"]))
                results.append(self._result(issue, events, volume))
        key = order if order in ("first_seen", "last_seen") else None
        results.sort(
            key=lambda r: r[key] if key else r["aggregations"][order],
            reverse=query.get("orderDirection", "DESC") == "DESC",
        )
        offset, limit = int(query.get("offset", 0)), int(query.get("limit", 50))
        page = results[offset : offset + limit]
        return {
            "results": page,
            "hasMore": offset + limit < len(results),
            "limit": limit,
            "offset": offset,
        }

    def _volume(
        self, events: list[dict[str, Any]], since: datetime | None, buckets: int
    ) -> list[int]:
        """`volumeRange`: events per equal slice of the date range, as PostHog's query counts
        them (an event on a slice's start belongs to the slice before)."""
        if buckets <= 0 or not events:
            return []
        start = since or _when(events[0])
        width = (self.now - start) / buckets
        counts = [0] * buckets
        for event in events:
            slot = math.ceil((_when(event) - start) / width) - 1 if width else 0
            counts[min(max(slot, 0), buckets - 1)] += 1
        return counts

    def _result(
        self, issue: dict[str, Any], events: list[dict[str, Any]], volume: list[int]
    ) -> dict[str, Any]:
        last = events[-1]["properties"]
        crash = _crash_frame(last)
        sessions = {e["properties"].get("$session_id") for e in events} - {None}
        return {
            **{k: issue[k] for k in ("id", "name", "description", "status", "assignee")},
            "first_seen": _iso(_when(self._of(issue["id"])[0])),
            "last_seen": _iso(_when(events[-1])),
            "library": last.get("$lib"),
            "function": crash.get("resolved_name")
            or crash.get("mangled_name")
            or crash.get("function"),
            "source": crash.get("source") or crash.get("filename"),
            # argMin(tuple(uuid, distinct_id, timestamp, properties), timestamp), properties
            # as HogQL returns them: a JSON string.
            "first_event": {
                "uuid": events[0]["uuid"],
                "distinct_id": events[0]["distinct_id"],
                "timestamp": _iso(_when(events[0])),
                "properties": _column(events[0], "properties"),
            },
            "aggregations": {
                "occurrences": len(events),
                "users": len({e["distinct_id"] for e in events}),
                "sessions": len(sessions),
                "volumeRange": volume,
            },
        }

    def _events_query(self, query: dict[str, Any]) -> dict[str, Any]:
        if query.get("event") != "$exception":
            raise QueryError("the demo server has only $exception events")
        found = [e for e in self.events if self._where(e, query.get("where", []))]
        since = self._since(query.get("after"))
        found = [e for e in found if since is None or _when(e) >= since]
        order = query.get("orderBy", ["timestamp DESC"])
        if order not in (["timestamp DESC"], ["timestamp ASC"]):
            raise QueryError(f"the demo server cannot order by {order!r}")
        if order == ["timestamp DESC"]:
            found.reverse()
        offset, limit = int(query.get("offset", 0)), int(query.get("limit", 100))
        page = found[offset : offset + limit]
        columns = list(query["select"])
        rows = [[_column(e, c) for c in columns] for e in page]
        return {"columns": columns, "results": rows, "hasMore": offset + limit < len(found)}

    def _where(self, event: dict[str, Any], clauses: list[str]) -> bool:
        for clause in clauses:
            kind, match = next(((k, m) for k, p in _WHERE if (m := p.match(clause))), (None, None))
            if match is None:
                raise QueryError(f"the demo server cannot evaluate {clause!r}")
            if kind == "issue" and event["properties"].get("$exception_issue_id") != match["v"]:
                return False
            if kind == "uuid" and event["uuid"] != match["v"]:
                return False
            if kind == "person" and event["distinct_id"] != re.sub(r"\\(.)", r"\1", match["v"]):
                return False
            if kind == "ts":
                moment = datetime.fromisoformat(match["v"]).replace(tzinfo=UTC)
                if not (_when(event) < moment if match["op"] == "<" else _when(event) > moment):
                    return False
        return True

    def _issue(self, method: str, issue_id: str, body: dict[str, Any]) -> httpx.Response:
        issue = self.issues.get(issue_id)
        if issue is None:
            return _detail(404, "Not found.")
        if method == "PATCH":
            # The assignee is read-only here, as on PostHog: it changes through `assign/`.
            _check_keys(body, {"status", "name", "description"}, set(), "issue")
            self._change(issue, body)
        elif method != "GET":
            return _detail(405, f'Method "{method}" not allowed.')
        events = self._of(issue_id)
        first_seen = _iso(_when(events[0])) if events else None
        fields = ("id", "status", "name", "description", "assignee")
        rest: dict[str, Any] = {"first_seen": first_seen, "external_issues": [], "cohort": None}
        return httpx.Response(200, json={**{k: issue.get(k) for k in fields}, **rest})

    def _assign(self, issue_id: str, body: dict[str, Any]) -> httpx.Response:
        if issue_id not in self.issues:
            return _detail(404, "Not found.")
        self._change(self.issues[issue_id], {"assignee": body.get("assignee")})
        return httpx.Response(200, json={"success": True})

    def _bulk(self, body: dict[str, Any]) -> httpx.Response:
        _check_keys(body, {"action", "ids", "status", "assignee"}, {"action", "ids"}, "bulk")
        fields = {"set_status": "status", "assign": "assignee"}
        field = fields.get(body["action"])
        if field is None or field not in body:
            raise QueryError("Invalid action")
        for issue_id in body["ids"]:
            if issue_id in self.issues:
                self._change(self.issues[issue_id], {field: body[field]})
        return httpx.Response(200, json={"success": True})

    def _change(self, issue: dict[str, Any], body: dict[str, Any]) -> None:
        if "status" in body and body["status"] not in WRITABLE_STATUSES:
            raise QueryError(f'"{body["status"]}" is not a valid choice.')
        if "assignee" in body and not known_assignee(body["assignee"]):
            raise QueryError("Invalid assignee")
        self.activity.setdefault(issue["id"], []).insert(0, activity_entry(issue, body))
        issue.update(body)

    def _activity(self, issue_id: str) -> httpx.Response:
        if issue_id not in self.issues:
            return _detail(404, "Not found.")
        entries = self.activity.get(issue_id, [])
        return httpx.Response(200, json={"next": None, "previous": None, "results": entries})

    def _batch_get(self, body: dict[str, Any]) -> httpx.Response:
        _check_keys(body, {"raw_ids", "symbol_set"}, set(), "batch_get")
        results = [
            {
                "id": n,
                "raw_id": raw_id,
                "created_at": _iso(self.now),
                "contents": {},
                "resolved": True,
                "context": self.contexts[raw_id]["context"],
                "symbol_set_ref": None,
                "release": None,
            }
            for n, raw_id in enumerate(body.get("raw_ids", []), start=1)
            if raw_id in self.contexts
        ]
        return httpx.Response(200, json={"results": results})

    def _of(self, issue_id: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e["properties"].get("$exception_issue_id") == issue_id]

    def _since(self, value: Any) -> datetime | None:
        if value in (None, "all"):
            return None
        match = _RELATIVE.match(str(value))
        if match:
            return self.now - timedelta(days=int(match[1]) * _UNITS[match[2]])
        moment = parse_datetime(value)
        if moment is None:
            raise QueryError(f"cannot read the date {value!r}")
        return moment


def _check_keys(data: Any, allowed: Iterable[str], required: Iterable[str], what: str) -> None:
    if not isinstance(data, dict):
        raise QueryError(f"{what}: expected an object")
    unknown = set(data) - set(allowed)
    if unknown:
        raise QueryError(f"{what}: extra inputs are not permitted: {', '.join(sorted(unknown))}")
    missing = set(required) - set(data)
    if missing:
        raise QueryError(f"{what}: field required: {', '.join(sorted(missing))}")


def _column(event: dict[str, Any], column: str) -> Any:
    """What HogQL returns: `properties` and JSON property values as JSON strings."""
    if column == "properties":
        return json.dumps(event["properties"])
    if column.startswith("properties."):
        value = event["properties"].get(column.removeprefix("properties."))
        return value if value is None or isinstance(value, str) else json.dumps(value)
    return event.get(column)


def _crash_frame(properties: dict[str, Any]) -> dict[str, Any]:
    """The raised exception's innermost in-app frame: where the issue's culprit points."""
    exceptions = properties.get("$exception_list") or [{}]
    frames = (exceptions[0].get("stacktrace") or {}).get("frames") or [{}]
    return next((f for f in reversed(frames) if f.get("in_app")), frames[-1])


def _haystack(issue: dict[str, Any], events: list[dict[str, Any]]) -> str:
    frames = [
        f
        for e in events
        for x in e["properties"]["$exception_list"]
        for f in (x.get("stacktrace") or {}).get("frames", [])
    ]
    names = [
        str(f.get(k) or "")
        for f in frames
        for k in ("resolved_name", "function", "source", "filename")
    ]
    return " ".join([issue["name"], issue["description"], *names]).lower()


def _when(event: dict[str, Any]) -> datetime:
    return parse_datetime(event.get("timestamp")) or datetime.min.replace(tzinfo=UTC)


def _not_found() -> httpx.Response:
    """Django's answer for a route it does not have: HTML, not JSON."""
    return httpx.Response(404, text="<h1>Not Found</h1>", headers={"content-type": "text/html"})
