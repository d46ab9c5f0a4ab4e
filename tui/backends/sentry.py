"""Sentry's web API (sentry.io, self-hosted Sentry) and GlitchTip's dialect of it."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx

from tui.backends.base import EVENT_LATEST, EVENT_OLDEST, EVENT_RECOMMENDED
from tui.backends.coerce import as_list, as_str
from tui.backends.errors import BackendError, InvalidResponse, NotFound, ServerError, Unsupported
from tui.backends.grouping import parse_grouping_info
from tui.backends.http import ApiClient, decode_json, is_sentry_saas, next_link, path_segment
from tui.backends.search import shell_safe
from tui.backends.sentry_artifacts import SentryArtifactSource, list_artifact_bundles
from tui.backends.sentry_dialects import DIALECTS, SENTRY, Dialect
from tui.backends.sentry_parse import event_level, parse_event, parse_issue
from tui.backends.sentry_triage import (
    comment_body,
    parse_activities,
    parse_activity,
    parse_member,
    parse_team,
    parse_user,
    update_body,
)
from tui.backends.writes import attempt, bulk_confirmed, confirmed_change, same_issue
from tui.model import (
    Activity,
    Assignee,
    Capabilities,
    Change,
    Event,
    Feature,
    Grouping,
    Issue,
    IssuePage,
    IssueQuery,
    StatusAction,
    StatusChange,
    SymbolSetList,
)

SCOPES = "org:read project:read event:read (and event:write to change status)"
MAX_PAGE = 100
GROUP_STATS_PERIOD = "14d"
"""The issue list's `stats`: Sentry accepts `24h` (hourly) and `14d` (daily)."""
MAX_SHORT_ID_PAGES = 200
"""Pages of a GlitchTip project listed for one short id: its newest 20,000 issues, not a
server's endless pages."""


@dataclass
class SentryBackend:
    """Issues, events and status changes of one organisation (optionally some projects)."""

    client: ApiClient
    org: str
    projects: tuple[str, ...] = ()
    dialect: Dialect = SENTRY
    _project_ids: tuple[str, ...] | None = field(default=None, init=False)
    _org_base: str | None = field(default=None, init=False)
    _listed_projects: list[Mapping[str, Any]] | None = field(default=None, init=False)
    _levels: dict[str, str] = field(default_factory=dict, init=False)
    """Issue id -> level, for events that carry none (GlitchTip's never do)."""
    _located: dict[str, str] = field(default_factory=dict, init=False)
    """Id or short id -> the id of an issue already checked to be the profile's."""
    _locating: dict[str, asyncio.Task[Issue]] = field(default_factory=dict, init=False)
    """Lookups in flight: the issue and its event asked for together share one."""
    _grouping: dict[str, Grouping] = field(default_factory=dict, init=False)
    """Event id -> its grouping with Sentry's grouping-info."""

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

    @property
    def capabilities(self) -> Capabilities:
        return self.dialect.capabilities

    @property
    def releases_on_detail(self) -> bool:
        """The list names no releases: the issue list fetches details for the rows it shows."""
        return self.dialect.releases_on_detail

    async def list_issues(self, query: IssueQuery, cursor: str | None = None) -> IssuePage:
        if query.person:
            raise Unsupported(f"{self.dialect.name} lists no issues by PostHog person")
        try:
            if cursor:
                response = await self.client.request("GET", cursor)
            else:
                url = await self._org_url("issues/")
                params = await self._list_params(query)
                response = await self.client.request("GET", url, params=params)
        except ServerError as exc:
            if not query.query or cursor:
                raise
            raise ServerError(f"the server could not run the query {query.query!r}: {exc}") from exc
        items = _issue_list(response)
        issues = tuple(self._remember(parse_issue(item)) for item in items)
        return IssuePage(issues, next_link(response.headers.get("Link", "")))

    async def get_issue(self, issue_id: str) -> Issue:
        return await self._locate(issue_id)

    async def get_event(self, issue_id: str, event: str = EVENT_LATEST) -> Event:
        if event in (EVENT_LATEST, EVENT_OLDEST, EVENT_RECOMMENDED) and (
            event not in self.dialect.event_refs
        ):
            raise Unsupported(f"{self.dialect.name} cannot fetch the {event} event of an issue")
        if issue_id.isdigit() and self.dialect.scoped_issue_paths:
            # The path needs only the id: the issue is checked to be the profile's while the
            # event travels (one round trip), and the event is dropped if it is not.
            key, data = await asyncio.gather(
                self._issue_key(issue_id), self._event_data(issue_id, event)
            )
        else:
            key = await self._issue_key(issue_id)
            data = await self._event_data(key, event)
        parsed = parse_event(data, issue_id=key)
        if event_level(data):
            return parsed
        # GlitchTip's events carry no level: the issue's is the event's.
        level = self._levels.get(key) or (await self.get_issue(key)).level
        return dataclasses.replace(parsed, level=level)

    async def find_event(self, event_id: str) -> str:
        """The id of the issue an event belongs to, from the SDK's `event_id` alone (Sentry's
        `eventids/` lookup answers `{organizationSlug, projectSlug, groupId, eventId, event}`)."""
        if self.dialect is not SENTRY:
            raise Unsupported(f"{self.dialect.name} cannot look an event up by its id")
        url = await self._org_url(f"eventids/{path_segment(event_id)}/")
        group = _mapping(await self.client.get_json(url), "event id lookup").get("groupId")
        if not group:
            raise NotFound(f"no issue holds event {event_id}")
        return str(group)

    async def grouping_details(self, issue: Issue, event: Event) -> Grouping:
        """The event's grouping with Sentry's grouping config and variants (one request per
        event, remembered); GlitchTip has no such endpoint: the event's own data only."""
        if self.dialect is not SENTRY:
            return event.grouping
        if event.id not in self._grouping:
            project = path_segment(issue.project or event.project)
            url = await self._org_base_url() + (
                f"/api/0/projects/{quote(self.org, safe='')}/{project}/events/"
                f"{path_segment(event.id)}/grouping-info/"
            )
            config, variants = parse_grouping_info(await self.client.get_json(url))
            self._grouping[event.id] = dataclasses.replace(
                event.grouping, config=config, variants=variants
            )
        return self._grouping[event.id]

    async def _event_data(self, key: str, event: str) -> Mapping[str, Any]:
        url = await self._issue_url(key, f"events/{path_segment(event)}/")
        return _mapping(await self.client.get_json(url), "event")

    async def set_status(self, issue_id: str, action: StatusAction) -> Issue:
        return await self.apply(issue_id, StatusChange(action))

    async def apply(self, issue_id: str, change: Change) -> Issue:
        self._require(*change.features)
        body = update_body(change, self.dialect.status_bodies)
        key = await self._issue_key(issue_id)
        url = await self._issue_url(key)

        async def write() -> Issue | None:
            response = await self.client.request("PUT", url, json=body)
            return _full_issue_answer(response, key)

        return await confirmed_change(self.client, change, write, lambda: self._read(url, key))

    async def bulk_apply(
        self, issue_ids: Sequence[str], change: Change
    ) -> list[Issue | BackendError]:
        """One PUT naming every issue by `id=` (without ids Sentry would change every issue of
        the organisation), then each read back: as the server has it, or why that is unknown."""
        if not issue_ids:
            return []
        if self.dialect is not SENTRY:
            return [await attempt(self.apply(i, change)) for i in issue_ids]
        keys = [await self._issue_key(i) for i in issue_ids]
        body = update_body(change, self.dialect.status_bodies)
        # Explicit `id=` params, always: without them this PUT changes the whole organisation.
        params = [("id", key) for key in keys]

        async def write() -> object:
            return await self.client.request(
                "PUT", await self._org_url("issues/"), params=params, json=body
            )

        async def read(key: str) -> Issue:
            return await self._read(await self._issue_url(key), key)

        return await bulk_confirmed(keys, change, write, read)

    async def members(self) -> tuple[Assignee, ...]:
        """Who issues can be assigned to: the organisation's users, then its teams."""
        self._require(Feature.ASSIGN)
        members = as_list(await self.client.get_json(await self._org_url("members/")))
        teams = as_list(await self.client.get_json(await self._org_url("teams/")))
        found = [parse_member(m) for m in members if isinstance(m, Mapping)]
        found += [parse_team(t) for t in teams if isinstance(t, Mapping)]
        return tuple(a for a in found if a is not None)

    async def me(self) -> Assignee:
        """The user the token belongs to."""
        self._require(Feature.ASSIGN)
        return parse_user(await self.client.get_json("/api/0/users/me/"))

    async def activity(self, issue_id: str) -> tuple[Activity, ...]:
        """The issue's history and comments, newest first (as Sentry lists them); on GlitchTip,
        which keeps no history, its comments."""
        self._require(Feature.ACTIVITY)
        key = await self._issue_key(issue_id)
        if self.dialect is not SENTRY:
            return parse_activities(
                await self.client.get_json(await self._issue_url(key, "comments/"))
            )
        data = _mapping(await self.client.get_json(await self._issue_url(key)), "issue")
        return parse_activities(data.get("activity"))

    async def comment(self, issue_id: str, text: str) -> Activity:
        self._require(Feature.COMMENT)
        key = await self._issue_key(issue_id)
        url = await self._issue_url(key, "comments/")
        body = comment_body(text, self.dialect.name)
        response = await self.client.request("POST", url, json=body)
        return parse_activity(decode_json(response))

    async def check(self) -> str:
        orgs = await self.client.get_json("/api/0/organizations/")
        slugs = [o.get("slug") for o in as_list(orgs) if isinstance(o, Mapping)]
        if self.org not in slugs:
            visible = ", ".join(str(s) for s in slugs) or "none"
            raise NotFound(f"the token works but cannot see organisation {self.org!r} ({visible})")
        listed = await self._projects()
        await self._resolve_projects(self.projects)  # a configured project that does not exist
        return f"{self.dialect.name}: organisation {self.org!r}, {len(listed)} projects visible"

    @property
    def project_ids(self) -> dict[str, str]:
        """The configured projects' ids (slug or id -> id), once looked up."""
        return dict(zip(self.projects, self._project_ids or (), strict=False))

    def seed_project_ids(self, ids: Mapping[str, str]) -> None:
        """Ids remembered from an earlier run: they spare the projects lookup a slug costs."""
        if self.projects and all(p in ids for p in self.projects):
            self._project_ids = tuple(ids[p] for p in self.projects)

    def symbol_source(self) -> SentryArtifactSource:
        """Source maps uploaded to this server, found by debug id."""
        default = self.projects[0] if len(self.projects) == 1 else ""
        return SentryArtifactSource(self.client, self.org, self._org_base_url, default)

    async def symbol_sets(self) -> SymbolSetList:
        """The artifact bundles of the profile's projects (every visible one when none is set)."""
        self._require(Feature.SYMBOL_SETS)
        projects = list(self.projects)
        if not projects:
            projects = [as_str(p.get("slug")) for p in await self._projects() if p.get("slug")]
        base = await self._org_base_url()
        return await list_artifact_bundles(self.client, base, self.org, projects)

    async def aclose(self) -> None:
        await self.client.aclose()

    def _require(self, *features: Feature) -> None:
        if reason := self.capabilities.why_not(*features):
            raise Unsupported(reason)

    async def _read(self, url: str, key: str) -> Issue:
        data = _mapping(await self.client.get_json(url), "issue")
        return self._remember(same_issue(parse_issue(data), key, "described"))

    async def _list_params(self, query: IssueQuery) -> list[tuple[str, Any]]:
        sort = self.dialect.sorts.get(query.sort)
        if sort is None:
            known = ", ".join(self.dialect.sorts)
            raise Unsupported(f"{self.dialect.name} cannot sort by {query.sort!r}: use {known}")
        text = shell_safe(query.query) if self.dialect.shell_split_query else query.query
        params: list[tuple[str, Any]] = [
            ("query", text),
            ("sort", sort),
            ("limit", min(query.limit, MAX_PAGE)),
        ]
        if self.dialect.sends_stats_period and query.stats_period:
            params.append(("statsPeriod", query.stats_period))
            # Daily buckets over two weeks: Sentry's default (hourly over a day) is mostly
            # zeros for all but the loudest issues.
            params.append(("groupStatsPeriod", GROUP_STATS_PERIOD))
        if query.environment:
            params.append(("environment", query.environment))
        params += [("project", p) for p in await self._resolve_projects(query.projects)]
        return params

    async def _resolve_projects(self, wanted: tuple[str, ...]) -> tuple[str, ...]:
        """Project ids for the filter; slugs and ids are checked once (GlitchTip takes ids only)."""
        wanted = wanted or self.projects
        if not wanted:
            return ()
        if wanted == self.projects and self._project_ids is not None:
            return self._project_ids
        listed = await self._projects()
        by_name = {str(p.get(k)): str(p.get("id")) for p in listed for k in ("slug", "id")}
        missing = [p for p in wanted if p not in by_name]
        if missing:
            known = ", ".join(sorted(str(p.get("slug")) for p in listed)) or "none"
            raise NotFound(f"no project {missing[0]!r} in {self.org!r} (known: {known})")
        ids = tuple(by_name[p] for p in wanted)
        if wanted == self.projects:
            self._project_ids = ids
        return ids

    async def _projects(self) -> list[Mapping[str, Any]]:
        if self._listed_projects is None:
            listed = await self.client.get_json(await self._org_url("projects/"))
            self._listed_projects = [p for p in as_list(listed) if isinstance(p, Mapping)]
        return self._listed_projects

    async def _issue_key(self, issue_id: str) -> str:
        """The numeric id to put in a path, after checking the issue is this profile's."""
        if issue_id.isdigit() and not self.projects and self.dialect.scoped_issue_paths:
            return issue_id  # the path itself keeps to the organisation: spare the round trip
        if issue_id in self._located:
            return self._located[issue_id]
        return (await self._locate(issue_id)).id

    async def _locate(self, issue_id: str) -> Issue:
        task = self._locating.get(issue_id)
        if task is None:
            task = asyncio.ensure_future(self._lookup(issue_id))
            self._locating[issue_id] = task
            task.add_done_callback(lambda _: self._locating.pop(issue_id, None))
        issue = await asyncio.shield(task)  # one caller giving up must not fail the other
        self._located[issue_id] = self._located[issue.id] = issue.id
        return issue

    async def _lookup(self, issue_id: str) -> Issue:
        """The issue, by id or short id, if it is in the profile's projects.

        Issue paths are not scoped to a project (on GlitchTip not even to an organisation), so
        an id from elsewhere would otherwise reach an issue the profile does not cover.
        """
        if issue_id.isdigit():
            data = _mapping(await self.client.get_json(await self._issue_url(issue_id)), "issue")
        elif self.dialect.short_id_route:
            data = await self._short_id_by_route(issue_id)
        else:
            data = await self._short_id_by_listing(issue_id)
        project = _mapping(data.get("project") or {}, "issue's project")
        names = {str(project.get("id")), str(project.get("slug"))}
        allowed = await self._allowed_projects()
        if allowed is not None and not names & allowed:
            where = ", ".join(self.projects) if self.projects else f"organisation {self.org!r}"
            raise NotFound(f"no issue {issue_id} in {where} (it belongs to {project.get('slug')})")
        # The id from here names the issue every later write goes to.
        return self._remember(same_issue(parse_issue(data), issue_id, "described"))

    async def _allowed_projects(self) -> set[str] | None:
        """Project ids and slugs an issue may belong to; None when the path already ensures it."""
        if self.projects:
            return set(self.projects)
        if self.dialect.scoped_issue_paths:
            return None
        return {str(p.get(k)) for p in await self._projects() for k in ("id", "slug")}

    async def _short_id_by_route(self, short_id: str) -> Mapping[str, Any]:
        url = await self._org_url(f"shortids/{path_segment(short_id)}/")
        data = _mapping(await self.client.get_json(url), "short id lookup")
        group = data.get("group")
        if isinstance(group, Mapping) and group.get("id") and group.get("project"):
            return group
        group_id = data.get("groupId") or _mapping(group or {}, "group").get("id")
        if not group_id:
            raise NotFound(f"no issue with short id {short_id!r}")
        return _mapping(await self.client.get_json(await self._issue_url(str(group_id))), "issue")

    async def _short_id_by_listing(self, short_id: str) -> Mapping[str, Any]:
        """GlitchTip's short id is `PROJECT-SLUG-<base32 of a per-project counter>`; its API
        can filter by project but not by short id, so the project's issues (every status) are
        listed, newest first, until one carries it."""
        slug = short_id.rpartition("-")[0].lower()
        listed = await self._projects()
        project = next((p for p in listed if str(p.get("slug")).lower() == slug), None)
        if project is None:
            raise NotFound(f"no project for short id {short_id!r}")
        params = [("project", str(project.get("id"))), ("sort", "-first_seen"), ("limit", MAX_PAGE)]
        url = await self._org_url("issues/")
        seen: set[str] = set()
        for _ in range(MAX_SHORT_ID_PAGES):
            response = await self.client.request("GET", url, params=None if seen else params)
            items = _issue_list(response)
            for item in items:
                if str(item.get("shortId")).upper() == short_id.upper():
                    return item
            cursor = next_link(response.headers.get("Link", ""))
            if not cursor or not items or cursor in seen:
                raise NotFound(f"no issue with short id {short_id!r}")
            url = cursor
            seen.add(cursor)
        raise NotFound(f"no issue with short id {short_id!r} among the project's newest issues")

    def _remember(self, issue: Issue) -> Issue:
        self._levels[issue.id] = issue.level
        return issue

    async def _issue_url(self, key: str, rest: str = "") -> str:
        if self.dialect.scoped_issue_paths:
            return await self._org_url(f"issues/{path_segment(key)}/{rest}")
        return f"/api/0/issues/{path_segment(key)}/{rest}"

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


def _issue_list(response: httpx.Response) -> list[Mapping[str, Any]]:
    data = decode_json(response)
    if not isinstance(data, list):
        raise InvalidResponse("the issue list is not a JSON list")
    return [item for item in data if isinstance(item, Mapping)]


def _mapping(data: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise InvalidResponse(f"the {what} is not a JSON object")
    return data
