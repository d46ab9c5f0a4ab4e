"""Bugsink's own read API (`/api/canonical/0/`): issues, raw events and status changes.

Bugsink accepts Sentry SDKs but not Sentry's web API. Its issue list has no status filter and no
search, so both run here on the client (`tui.backends.search`), over as many pages as it takes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit
from uuid import UUID

import httpx

from tui.backends.base import EVENT_LATEST, EVENT_OLDEST, EVENT_RECOMMENDED
from tui.backends.coerce import as_id, as_int, as_str
from tui.backends.errors import InvalidResponse, NotFound, Unsupported
from tui.backends.grouping import bugsink_issue_key
from tui.backends.http import ApiClient, decode_json, path_segment
from tui.backends.search import issue_matches
from tui.backends.sentry_parse import parse_datetime, parse_event
from tui.backends.writes import confirmed_change, same_issue
from tui.model import (
    Activity,
    AssignChange,
    Assignee,
    Capabilities,
    Change,
    Event,
    Feature,
    Grouping,
    Issue,
    IssuePage,
    IssueQuery,
    IssueStatus,
    StatusAction,
    StatusChange,
)

API_PATH = "/api/canonical/0"
SCOPES = "issues:read events:read (and issues:triage to change status, issues:comment)"
SORTS = {"date": "last_seen", "new": "digest_order", "freq": "digested_event_count"}
"""stackdeck sort name -> Bugsink's `sort`; always descending, the default first."""
MAX_PAGES_PER_CALL = 20
"""Server pages read per `list_issues` call (filtering more than 5,000 issues asks for the next)
and of projects when looking one up by name."""
MAX_EVENT_PAGES = 40
"""Pages scanned to find one event's neighbours (250 events a page)."""

PERIODS = (("week", 7 * 24 * 60), ("day", 24 * 60), ("hour", 60), ("minute", 1))
DEFAULT_MUTE_WINDOW = 24 * 60
"""Bugsink unmutes when N events arrive within a window; "until N events" means N in a day."""
CAPABILITIES = Capabilities(
    {
        Feature.IGNORE_UNTIL_USERS: "Bugsink counts events, not users",
        Feature.IGNORE_UNTIL_ESCALATING: "Bugsink has no escalation; mute until N events instead",
        Feature.RESOLVE_IN_RELEASE: "Bugsink resolves in the next release only, not a named one",
        Feature.ASSIGN: "Bugsink issues have no assignee",
        Feature.ACTIVITY: "Bugsink's API can add a comment but cannot read comments or history",
        Feature.SYMBOL_SETS: "Bugsink's API does not list uploaded source maps",
        Feature.SYMBOL_UPLOAD: "Bugsink's API does not list uploaded source maps",
    }
)
ENDPOINTS = {
    StatusAction.RESOLVE: "resolve",
    StatusAction.RESOLVE_NEXT_RELEASE: "resolve-next",
    StatusAction.IGNORE: "mute",
}


def parse_bugsink_issue(data: Mapping[str, Any], project: str = "", base_url: str = "") -> Issue:
    """One issue of `/issues/`; the status comes from Bugsink's booleans."""
    if not isinstance(data.get("id"), str):
        raise InvalidResponse(f"a Bugsink issue without an id: {str(data)[:200]}")
    issue_type = as_str(data.get("calculated_type"))
    value = as_str(data.get("calculated_value"))
    status, raw_status = _status(data)
    return Issue(
        id=as_id(data["id"]),
        short_id=as_str(data.get("friendly_id") or data["id"]),
        title=_title(issue_type, value),
        culprit=as_str(data.get("transaction")),
        status=status,
        raw_status=raw_status,
        count=as_int(data.get("digested_event_count")),
        first_seen=parse_datetime(data.get("first_seen")),
        last_seen=parse_datetime(data.get("last_seen")),
        project=project,
        permalink=f"{base_url}/issues/issue/{data['id']}/" if base_url else "",
        type=issue_type,
        value=value,
    )


@dataclass
class BugsinkBackend:
    """Issues and events of one Bugsink project, named by id or slug."""

    client: ApiClient
    project: str
    site_url: str = ""
    """The server's root, for permalinks."""
    name: str = "bugsink"
    sort_options: tuple[str, ...] = tuple(SORTS)
    status_actions: frozenset[StatusAction] = frozenset(StatusAction)
    event_refs: frozenset[str] = frozenset({EVENT_LATEST, EVENT_OLDEST})
    capabilities: Capabilities = CAPABILITIES
    _projects: dict[str, dict[str, Any]] = field(default_factory=dict, init=False)

    @classmethod
    def from_profile(
        cls,
        url: str,
        token: str | None,
        project: str,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> BugsinkBackend:
        site = url.rstrip("/")
        client = ApiClient(site + API_PATH, token, transport=transport, scopes=SCOPES)
        return cls(client, project, site_url=site)

    async def check(self) -> str:
        project = await self._project_info()
        return (
            f"Bugsink at {self.site_url or 'the server'}: project {project.get('slug')} "
            f"(id {project.get('id')}, {as_int(project.get('digested_event_count'))} events)"
        )

    async def list_issues(self, query: IssueQuery, cursor: str | None = None) -> IssuePage:
        sort = SORTS.get(query.sort)
        if sort is None:
            raise Unsupported(f"Bugsink cannot sort issues by {query.sort!r}")
        if query.person:
            raise Unsupported("Bugsink lists no issues by PostHog person")
        page_url, skip = _split_cursor(cursor) if cursor else (None, 0)
        if page_url is None:
            project_id = (await self._project_info(_one_project(query.projects)))["id"]
            page_url = f"issues/?project={project_id}&sort={sort}&order=desc"
        found: list[Issue] = []
        for _ in range(MAX_PAGES_PER_CALL):
            page = await self._page(page_url)
            results = page["results"]
            for index in range(skip, len(results)):
                issue = await self._issue(results[index])
                if issue_matches(issue, query.query):
                    found.append(issue)
                if len(found) == query.limit:
                    rest = index + 1 < len(results)
                    resume = f"{page_url}#{index + 1}" if rest else page["next"]
                    return IssuePage(tuple(found), resume)
            skip = 0
            if not page["next"]:
                return IssuePage(tuple(found), None)
            page_url = page["next"]
        return IssuePage(tuple(found), page_url)

    async def get_issue(self, issue_id: str) -> Issue:
        data = await self.client.get_json(f"issues/{path_segment(issue_id)}/")
        return same_issue(await self._issue(_mapping(data, "issue")), issue_id, "described")

    async def list_events(self, issue_id: str, limit: int = 50) -> tuple[Event, ...]:
        """The newest events of an issue, newest first, without their bodies."""
        uuid = await self._issue_uuid(issue_id)
        url: str | None = f"events/?issue={path_segment(uuid)}&order=desc"
        events: list[Event] = []
        # Bounded: a server whose every page is empty but names a next would keep us for ever.
        for _ in range(MAX_EVENT_PAGES):
            if not url or len(events) >= limit:
                break
            page = await self._page(url)
            events.extend(_event_summary(e) for e in page["results"][: limit - len(events)])
            url = page["next"] if page["results"] else None
        return tuple(events)

    async def get_event(self, issue_id: str, event: str = EVENT_LATEST) -> Event:
        uuid = await self._issue_uuid(issue_id)
        if event in (EVENT_LATEST, EVENT_OLDEST):
            order = "desc" if event == EVENT_LATEST else "asc"
            page = await self._page(f"events/?issue={path_segment(uuid)}&order={order}")
            if not page["results"]:
                raise NotFound(f"issue {issue_id} has no stored events")
            ids = [as_id(e.get("id")) for e in page["results"][:2]]
            older, newer = (ids[1:2], []) if order == "desc" else ([], ids[1:2])
            return await self._full_event(uuid, ids[0], _one(older), _one(newer))
        if event == EVENT_RECOMMENDED:
            raise Unsupported("Bugsink has no recommended event; use latest or oldest")
        return await self._event_by_id(uuid, event)

    async def grouping_details(self, issue: Issue, event: Event) -> Grouping:
        """The SDK fingerprint of the raw event and the key the issue carries (no request)."""
        return dataclasses.replace(event.grouping, issue_key=bugsink_issue_key(issue))

    async def set_status(self, issue_id: str, action: StatusAction) -> Issue:
        return await self.apply(issue_id, StatusChange(action))

    async def apply(self, issue_id: str, change: Change) -> Issue:
        if isinstance(change, AssignChange):
            raise Unsupported(self.capabilities.why_not(Feature.ASSIGN))
        if missing := self.capabilities.why_not(*change.features):
            raise Unsupported(missing)
        issue = await self.get_issue(issue_id)
        if change.reached(issue) and not change.until:
            return issue  # Bugsink answers 400 to a change to the current state
        if change.action is StatusAction.IGNORE and issue.status is IssueStatus.RESOLVED:
            # Bugsink mutes only open issues (400 otherwise): reopen first, as its web UI would
            # have the user do; `undo` of a resolve needs this to restore a mute.
            issue = await self.apply(issue.id, StatusChange(StatusAction.REOPEN))
        verb, body = _verb(issue, change)
        url = f"issues/{path_segment(issue.id)}/{verb}/"

        async def write() -> Issue | None:
            response = await self.client.request("POST", url, json=body)
            try:
                answered = await self._issue(decode_json(response))
            except InvalidResponse:
                return None
            return answered if answered.id == issue.id else None

        async def read() -> Issue:
            # A new event may have changed the state since we looked: what counts is now.
            return await self.get_issue(issue.id)

        return await confirmed_change(self.client, change, write, read)

    async def comment(self, issue_id: str, text: str) -> Activity:
        """Bugsink takes comments but has no API to read them back."""
        uuid = await self._issue_uuid(issue_id)
        body = {"issue": uuid, "comment": text}
        data = _mapping(
            decode_json(await self.client.request("POST", "issue-comments/", json=body)), "comment"
        )
        return Activity(
            when=parse_datetime(data.get("timestamp")),
            author=f"user {as_id(data.get('user'))}" if data.get("user") else "",
            kind="comment",
            text=as_str(data.get("comment")),
        )

    async def activity(self, issue_id: str) -> tuple[Activity, ...]:
        raise Unsupported(self.capabilities.why_not(Feature.ACTIVITY))

    async def members(self) -> tuple[Assignee, ...]:
        raise Unsupported(self.capabilities.why_not(Feature.ASSIGN))

    async def me(self) -> Assignee:
        raise Unsupported(self.capabilities.why_not(Feature.ASSIGN))

    async def aclose(self) -> None:
        await self.client.aclose()

    async def _project_info(self, name: str = "") -> dict[str, Any]:
        """The profile's project, or the one the query names."""
        name = name or self.project
        if name not in self._projects:
            found = await self._find_project(name)
            self._projects[name] = self._projects[str(found.get("id"))] = found
        return self._projects[name]

    async def _find_project(self, name: str) -> dict[str, Any]:
        if name.isdigit():
            data = await self.client.get_json(f"projects/{name}/")
            return dict(_mapping(data, "project"))
        url: str | None = "projects/"
        for _ in range(MAX_PAGES_PER_CALL):
            if not url:
                break
            page = await self._page(url)
            for project in page["results"]:
                if name in (project.get("slug"), project.get("name")):
                    return dict(project)
            url = page["next"]
        raise NotFound(f"Bugsink has no project {name!r} that this token can see")

    async def _issue(self, data: Any) -> Issue:
        issue = _mapping(data, "issue")
        await self._project_info()  # usually the issue's own project, so that lookup is cached
        project = await self._project_info(as_str(issue.get("project")))
        return parse_bugsink_issue(issue, as_str(project.get("slug")), self.site_url)

    async def _issue_uuid(self, issue_id: str) -> str:
        return issue_id if _is_uuid(issue_id) else (await self.get_issue(issue_id)).id

    async def _page(self, url: str) -> dict[str, Any]:
        """One page of a list; `next` URLs are followed by their query, on our own base URL."""
        path, params = _relative(url)
        data = _mapping(await self.client.get_json(path, params=params), "page")
        results = data.get("results")
        if not isinstance(results, list):
            raise InvalidResponse(f"a Bugsink page without results from {path}")
        items = [r for r in results if isinstance(r, Mapping)]
        next_url = data.get("next")
        return {"results": items, "next": next_url if isinstance(next_url, str) else None}

    async def _full_event(
        self, issue_uuid: str, event_uuid: str, older: str | None, newer: str | None
    ) -> Event:
        data = _mapping(await self.client.get_json(f"events/{path_segment(event_uuid)}/"), "event")
        event = parse_event(_mapping(data.get("data") or {}, "event data"), issue_uuid)
        # Bugsink fetches events by its own uuid, not the SDK's event_id.
        return dataclasses.replace(
            event,
            id=as_id(data.get("id")) or event_uuid,
            issue_id=as_id(data.get("issue")) or issue_uuid,
            timestamp=event.timestamp or parse_datetime(data.get("timestamp")),
            previous_event_id=older,
            next_event_id=newer,
        )

    async def _event_by_id(self, issue_uuid: str, event_id: str) -> Event:
        """An event by Bugsink uuid or SDK event_id, with its neighbours in the list."""
        wanted = event_id.replace("-", "").lower()
        url: str | None = f"events/?issue={path_segment(issue_uuid)}&order=desc"
        previous_page_last: str | None = None
        for _ in range(MAX_EVENT_PAGES):
            if url is None:
                break
            page = await self._page(url)
            ids = [as_id(e.get("id")) for e in page["results"]]
            sdk_ids = [as_str(e.get("event_id")).replace("-", "").lower() for e in page["results"]]
            for index, (uuid, sdk_id) in enumerate(zip(ids, sdk_ids, strict=True)):
                if wanted in (uuid.replace("-", "").lower(), sdk_id):
                    newer = ids[index - 1] if index else previous_page_last
                    older = ids[index + 1] if index + 1 < len(ids) else None
                    if older is None and page["next"]:
                        following = await self._page(page["next"])
                        older = _one([as_id(e.get("id")) for e in following["results"][:1]])
                    return await self._full_event(issue_uuid, uuid, older, newer)
            previous_page_last = ids[-1] if ids else previous_page_last
            url = page["next"]
        if _is_uuid(event_id):  # deeper than we scan: the event itself, without neighbours
            return await self._full_event(issue_uuid, event_id, None, None)
        raise NotFound(f"issue {issue_uuid} has no event {event_id}")


def _one_project(projects: tuple[str, ...]) -> str:
    if len(projects) > 1:
        raise Unsupported("Bugsink lists the issues of one project at a time")
    return projects[0] if projects else ""


def _status(data: Mapping[str, Any]) -> tuple[IssueStatus, str]:
    # A regression (an event after resolve) clears is_resolved on the server, so this suffices.
    if data.get("is_resolved"):
        next_release = data.get("is_resolved_by_next_release")
        return IssueStatus.RESOLVED, "resolved_next_release" if next_release else "resolved"
    if data.get("is_muted"):
        return IssueStatus.IGNORED, "muted"
    return IssueStatus.UNRESOLVED, "unresolved"


def _verb(issue: Issue, change: StatusChange) -> tuple[str, dict[str, Any] | None]:
    """Bugsink's endpoint and body for `change` from the issue's current state."""
    if change.action is StatusAction.REOPEN:
        return ("reopen" if issue.status is IssueStatus.RESOLVED else "unmute"), None
    until = change.until
    if until and until.events:
        unit, count = _period(until.events_window or DEFAULT_MUTE_WINDOW)
        body = {"gte_threshold": until.events, "period_name": unit, "nr_of_periods": count}
        return "mute-until", body
    if until and until.minutes:
        unit, count = _period(until.minutes)
        return "mute-for", {"period_name": unit, "nr_of_periods": count}
    return ENDPOINTS[change.action], None


def _period(minutes: int) -> tuple[str, int]:
    """`minutes` in the largest of Bugsink's period units that measures it exactly."""
    for unit, size in PERIODS:
        if minutes % size == 0:
            return unit, minutes // size
    return "minute", minutes


def _title(issue_type: str, value: str) -> str:
    """As Bugsink titles it: the type and the first line of the value; log messages bare."""
    first_line = value.splitlines()[0] if value else ""
    if not first_line:
        return issue_type or "(no title)"
    return first_line if issue_type == "Log Message" else f"{issue_type}: {first_line}"


def _event_summary(data: Mapping[str, Any]) -> Event:
    return Event(
        id=as_id(data.get("id")),
        issue_id=as_id(data.get("issue")),
        timestamp=parse_datetime(data.get("timestamp")),
    )


def _split_cursor(cursor: str) -> tuple[str, int]:
    """`<page url>#<n>` resumes inside a page after n issues; a bare URL at its start.

    The limit can fall mid-page because filtering happens here; Bugsink's own cursor only
    points at page starts. (With `sort=last_seen` new events reshuffle pages either way.)
    """
    url, sep, skip = cursor.rpartition("#")
    if sep and skip.isdigit():
        return url, int(skip)
    return cursor, 0


def _relative(url: str) -> tuple[str, list[tuple[str, str]]]:
    """Path below the API root and query of a page URL, absolute (`next`) or relative."""
    parts = urlsplit(url)
    path = parts.path
    if API_PATH + "/" in path:
        path = path.split(API_PATH + "/", 1)[1]
    return path.lstrip("/"), parse_qsl(parts.query, keep_blank_values=True)


def _is_uuid(value: str) -> bool:
    try:
        UUID(value)
    except ValueError:
        return False
    return "-" in value


def _one(values: Sequence[str]) -> str | None:
    return values[0] if values and values[0] else None


def _mapping(value: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidResponse(f"Bugsink returned {type(value).__name__} where a {what} belongs")
    return value
