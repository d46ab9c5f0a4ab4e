"""Sentry's web API (sentry.io, self-hosted Sentry) and GlitchTip's dialect of it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx

from tui.backends.base import EVENT_LATEST, EVENT_OLDEST, EVENT_RECOMMENDED
from tui.backends.coerce import as_list
from tui.backends.errors import InvalidResponse, NotFound, Unsupported
from tui.backends.http import ApiClient, decode_json, is_sentry_saas, next_link
from tui.backends.sentry_artifacts import SentryArtifactSource
from tui.backends.sentry_parse import parse_event, parse_issue
from tui.backends.writes import confirmed_change, same_issue
from tui.model import Event, Issue, IssuePage, IssueQuery, StatusAction

SCOPES = "org:read project:read event:read (and event:write to change status)"
MAX_PAGE = 100


@dataclass(frozen=True)
class Dialect:
    """What differs between Sentry and GlitchTip; everything else is shared."""

    name: str
    sorts: Mapping[str, str]
    """stackdeck sort name (Sentry's) -> the value this server expects, default first."""
    scoped_issue_paths: bool
    """Sentry: `/organizations/{org}/issues/{id}/`; GlitchTip has only `/issues/{id}/`."""
    event_refs: frozenset[str]
    status_bodies: Mapping[StatusAction, Mapping[str, Any]]
    sends_stats_period: bool
    short_id_lookup: bool
    region_lookup: bool
    """sentry.io puts each organisation on a region host named by `links.regionUrl`."""


SENTRY = Dialect(
    name="sentry",
    sorts={s: s for s in ("date", "new", "freq", "user", "trends", "recommended")},
    scoped_issue_paths=True,
    event_refs=frozenset({EVENT_LATEST, EVENT_OLDEST, EVENT_RECOMMENDED}),
    status_bodies={
        StatusAction.RESOLVE: {"status": "resolved"},
        StatusAction.REOPEN: {"status": "unresolved"},
        StatusAction.IGNORE: {"status": "ignored", "substatus": "archived_until_escalating"},
        StatusAction.RESOLVE_NEXT_RELEASE: {
            "status": "resolved",
            "statusDetails": {"inNextRelease": True},
        },
    },
    sends_stats_period=True,
    short_id_lookup=True,
    region_lookup=True,
)

GLITCHTIP = Dialect(
    name="glitchtip",
    sorts={"date": "-last_seen", "new": "-first_seen", "freq": "-count", "priority": "-priority"},
    scoped_issue_paths=False,
    event_refs=frozenset({EVENT_LATEST}),
    status_bodies={
        StatusAction.RESOLVE: {"status": "resolved"},
        StatusAction.REOPEN: {"status": "unresolved"},
        StatusAction.IGNORE: {"status": "ignored"},
    },
    sends_stats_period=False,
    short_id_lookup=False,
    region_lookup=False,
)

DIALECTS = {d.name: d for d in (SENTRY, GLITCHTIP)}


@dataclass
class SentryBackend:
    """Issues, events and status changes of one organisation (optionally some projects)."""

    client: ApiClient
    org: str
    projects: tuple[str, ...] = ()
    dialect: Dialect = SENTRY
    _project_ids: tuple[str, ...] | None = field(default=None, init=False)
    _org_base: str | None = field(default=None, init=False)

    @classmethod
    def connect(
        cls,
        url: str,
        token: str | None,
        org: str,
        projects: tuple[str, ...] = (),
        dialect: str = "sentry",
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> SentryBackend:
        client = ApiClient(url, token, transport=transport, scopes=SCOPES)
        return cls(client, org, projects, DIALECTS[dialect])

    @property
    def name(self) -> str:
        return self.dialect.name

    @property
    def sort_options(self) -> tuple[str, ...]:
        return tuple(self.dialect.sorts)

    @property
    def status_actions(self) -> frozenset[StatusAction]:
        return frozenset(self.dialect.status_bodies)

    @property
    def event_refs(self) -> frozenset[str]:
        return self.dialect.event_refs

    async def list_issues(self, query: IssueQuery, cursor: str | None = None) -> IssuePage:
        if cursor:
            response = await self.client.request("GET", cursor)
        else:
            url = await self._org_url("issues/")
            response = await self.client.request("GET", url, params=await self._list_params(query))
        data = decode_json(response)
        if not isinstance(data, list):
            raise InvalidResponse("the issue list is not a JSON list")
        issues = tuple(parse_issue(item) for item in data if isinstance(item, Mapping))
        return IssuePage(issues, next_link(response.headers.get("Link", "")))

    async def get_issue(self, issue_id: str) -> Issue:
        data = await self.client.get_json(await self._issue_url(await self._issue_key(issue_id)))
        return parse_issue(_mapping(data, "issue"))

    async def get_event(self, issue_id: str, event: str = EVENT_LATEST) -> Event:
        if event in (EVENT_LATEST, EVENT_OLDEST, EVENT_RECOMMENDED) and (
            event not in self.dialect.event_refs
        ):
            raise Unsupported(f"{self.dialect.name} cannot fetch the {event} event of an issue")
        key = await self._issue_key(issue_id)
        url = await self._issue_url(key, f"events/{quote(event, safe='')}/")
        return parse_event(_mapping(await self.client.get_json(url), "event"), issue_id=key)

    async def set_status(self, issue_id: str, action: StatusAction) -> Issue:
        body = self.dialect.status_bodies.get(action)
        if body is None:
            raise Unsupported(f"{self.dialect.name} cannot {action.value.replace('_', ' ')}")
        key = await self._issue_key(issue_id)
        url = await self._issue_url(key)

        async def write() -> Issue | None:
            response = await self.client.request("PUT", url, json=dict(body))
            return _full_issue_answer(response, key)

        async def read() -> Issue:
            data = _mapping(await self.client.get_json(url), "issue")
            return same_issue(parse_issue(data), key, "described")

        return await confirmed_change(self.client, action, write, read)

    async def check(self) -> str:
        orgs = await self.client.get_json("/api/0/organizations/")
        slugs = [o.get("slug") for o in as_list(orgs) if isinstance(o, Mapping)]
        if self.org not in slugs:
            visible = ", ".join(str(s) for s in slugs) or "none"
            raise NotFound(f"the token works but cannot see organisation {self.org!r} ({visible})")
        projects = await self.client.get_json(await self._org_url("projects/"))
        count = len(as_list(projects))
        return f"{self.dialect.name}: organisation {self.org!r}, {count} projects visible"

    def symbol_source(self) -> SentryArtifactSource:
        """Source maps uploaded to this server, found by debug id."""
        default = self.projects[0] if len(self.projects) == 1 else ""
        return SentryArtifactSource(self.client, self.org, self._org_base_url, default)

    async def aclose(self) -> None:
        await self.client.aclose()

    async def _list_params(self, query: IssueQuery) -> list[tuple[str, Any]]:
        sort = self.dialect.sorts.get(query.sort) or next(iter(self.dialect.sorts.values()))
        params: list[tuple[str, Any]] = [
            ("query", query.query),
            ("sort", sort),
            ("limit", min(query.limit, MAX_PAGE)),
        ]
        if self.dialect.sends_stats_period and query.stats_period:
            params.append(("statsPeriod", query.stats_period))
        if query.environment:
            params.append(("environment", query.environment))
        params += [("project", p) for p in await self._resolve_projects(query.projects)]
        return params

    async def _resolve_projects(self, wanted: tuple[str, ...]) -> tuple[str, ...]:
        """Project ids for the filter; slugs are looked up once (GlitchTip takes ids only)."""
        wanted = wanted or self.projects
        if all(p.isdigit() for p in wanted):
            return wanted
        if self._project_ids is None or wanted != self.projects:
            listed = await self.client.get_json(await self._org_url("projects/"))
            listed = [p for p in as_list(listed) if isinstance(p, Mapping)]
            by_slug = {str(p.get("slug")): str(p.get("id")) for p in listed}
            missing = [p for p in wanted if not p.isdigit() and p not in by_slug]
            if missing:
                known = ", ".join(sorted(by_slug)) or "none"
                raise NotFound(f"no project {missing[0]!r} in {self.org!r} (known: {known})")
            ids = tuple(p if p.isdigit() else by_slug[p] for p in wanted)
            if wanted != self.projects:
                return ids
            self._project_ids = ids
        return self._project_ids

    async def _issue_key(self, issue_id: str) -> str:
        """Numeric ids pass through; short ids (`BILLING-API-3F`) are looked up where possible."""
        if issue_id.isdigit() or not self.dialect.short_id_lookup:
            return issue_id
        url = await self._org_url(f"shortids/{quote(issue_id, safe='')}/")
        data = _mapping(await self.client.get_json(url), "short id lookup")
        group_id = data.get("groupId") or _mapping(data.get("group") or {}, "group").get("id")
        if not group_id:
            raise NotFound(f"no issue with short id {issue_id!r}")
        return str(group_id)

    async def _issue_url(self, key: str, rest: str = "") -> str:
        if self.dialect.scoped_issue_paths:
            return await self._org_url(f"issues/{quote(key, safe='')}/{rest}")
        return f"/api/0/issues/{quote(key, safe='')}/{rest}"

    async def _org_url(self, rest: str) -> str:
        return f"{await self._org_base_url()}/api/0/organizations/{quote(self.org, safe='')}/{rest}"

    async def _org_base_url(self) -> str:
        """sentry.io serves each organisation from its region host; others from the base URL."""
        if self._org_base is None:
            self._org_base = ""
            if self.dialect.region_lookup and is_sentry_saas(httpx.URL(self.client.base_url).host):
                self._org_base = await self._region_url()
        return self._org_base

    async def _region_url(self) -> str:
        orgs = await self.client.get_json("/api/0/organizations/")
        for org in as_list(orgs):
            if isinstance(org, Mapping) and org.get("slug") == self.org:
                region = _mapping(org.get("links") or {}, "links").get("regionUrl")
                return str(region).rstrip("/") if region else ""
        return ""


def _full_issue_answer(response: httpx.Response, key: str) -> Issue | None:
    """The issue a PUT answered with, if it is all of this issue; a partial answer
    (`{"status": ...}`), another issue or a body that is not JSON is no confirmation."""
    try:
        data = decode_json(response)
    except InvalidResponse:
        return None
    if not (isinstance(data, Mapping) and data.get("title") is not None):
        return None
    issue = parse_issue(data)
    return issue if issue.id == key else None


def _mapping(data: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise InvalidResponse(f"the {what} is not a JSON object")
    return data
