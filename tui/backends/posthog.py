"""PostHog error tracking: issues and events through the Query API, status through REST.

Short ids: PostHog has none. stackdeck shows the last 8 hex digits of the issue uuid (see
`posthog_parse.short_id`) and `get_issue` accepts the full uuid or any 6+ hex-digit fragment
that starts or ends exactly one issue's uuid among those seen in the last 90 days.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from tui.backends import posthog_query as pq
from tui.backends import posthog_triage as pt
from tui.backends.base import EVENT_LATEST, EVENT_OLDEST
from tui.backends.coerce import as_dict, as_id, as_list, as_str, loads_json
from tui.backends.errors import AuthError, BackendError, InvalidResponse, NotFound, Unsupported
from tui.backends.grouping import parse_fingerprints
from tui.backends.http import ApiClient, Body, decode_json, path_segment
from tui.backends.posthog_parse import (
    STATUS_MAP,
    parse_event,
    parse_frame_contexts,
    parse_issue,
    parse_properties,
    resolved_raw_ids,
    short_id,
)
from tui.backends.posthog_symbol_sets import PostHogSymbolSets
from tui.backends.posthog_symbols import PostHogSymbolSource
from tui.backends.search import issue_matches
from tui.backends.writes import bulk_confirmed, confirmed_change, same_issue
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
    ServerSymbolSet,
    StatusAction,
    StatusChange,
    SymbolSetList,
)
from tui.symbols.sources import LookupFailed

SCOPES = (
    "error_tracking:read query:read (error_tracking:write to change status or assign, "
    "activity_log:read for activity)"
)
OLD_SERVER = (
    "this PostHog server refuses personal API keys on its error-tracking issue endpoints "
    "(older PostHog versions do): change the status in PostHog's web app, or upgrade the server"
)
ORG_API = "/api/organizations/@current/"
MIN_FRAGMENT = 6
SCAN_PAGES = 10
MAX_SYMBOL_SET_BYTES = 128 * 1024 * 1024
"""PostHog takes uploads of up to 100 MB; a larger download is not a symbol set."""


@dataclass
class PostHogBackend:
    """One PostHog project's error tracking."""

    client: ApiClient
    downloads: ApiClient
    """Tokenless: presigned storage URLs refuse a second credential."""
    project: str
    public_url: str = ""
    _prefixes: dict[str, str] = field(default_factory=dict, init=False)
    _seen: dict[str, str] = field(default_factory=dict, init=False)
    _people: dict[tuple[str, str], Assignee] = field(default_factory=dict, init=False)
    """Members and roles once listed, to name the bare `{type, id}` assignees of issues."""
    _fingerprints: dict[str, tuple[str, ...]] = field(default_factory=dict, init=False)
    """Issue id -> the fingerprints PostHog's issue holds."""

    @classmethod
    def connect(
        cls,
        url: str,
        token: str | None,
        project: str,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> PostHogBackend:
        client = ApiClient(url, token, transport=transport, scopes=SCOPES)
        downloads = ApiClient(url, None, transport=transport, timeout=60.0)
        return cls(client, downloads, project, url.rstrip("/"))

    @property
    def name(self) -> str:
        return "posthog"

    @property
    def sort_options(self) -> tuple[str, ...]:
        return pq.SORTS

    @property
    def status_actions(self) -> frozenset[StatusAction]:
        return frozenset(pt.STATUS_BODIES)

    @property
    def capabilities(self) -> Capabilities:
        return pt.CAPABILITIES

    @property
    def event_refs(self) -> frozenset[str]:
        return frozenset({EVENT_LATEST, EVENT_OLDEST})

    async def list_issues(self, query: IssueQuery, cursor: str | None = None) -> IssuePage:
        if query.person:
            return await self._person_issues(query)
        offset = int(cursor) if cursor and cursor.isdigit() else 0
        plan = pq.plan_search(query.query)
        data = await self._query(pq.list_query(query, plan, offset), "error_tracking:read")
        issues = self._issues(data, pq.bucket_seconds(query.stats_period))
        if plan.residual:
            issues = [i for i in issues if issue_matches(i, plan.residual)]
        more = isinstance(data, Mapping) and bool(data.get("hasMore"))
        page_size = max(1, min(query.limit, pq.MAX_PAGE))
        return IssuePage(tuple(issues), str(offset + page_size) if more else None)

    async def _person_issues(self, query: IssueQuery) -> IssuePage:
        """The issues of one person's newest exceptions, newest first, in one page: PostHog's
        issue query has no person filter, its events query does (`distinct_id`)."""
        body = pq.person_issues_query(query.person)
        found = pq.rows(await self._query(body, "query:read"), (pq.ISSUE_COLUMN,))
        ids = dict.fromkeys(as_str(row.get(pq.ISSUE_COLUMN)) for row in found)
        keys = [key for key in ids if pq.UUID.match(key)][: max(1, query.limit)]
        issues = await asyncio.gather(*(self.get_issue(key) for key in keys))
        return IssuePage(tuple(i for i in issues if issue_matches(i, query.query)))

    async def grouping_details(self, issue: Issue, event: Event) -> Grouping:
        """The event's fingerprint and every fingerprint its issue holds (one request per
        issue, remembered: merged issues hold several)."""
        key = await self._issue_key(issue.id)
        if key not in self._fingerprints:
            try:
                response = await self._call(
                    "GET", "error_tracking/fingerprints/", params={"issue_id": key}
                )
            except AuthError as exc:
                raise _explained(exc, "error_tracking:read") from None
            self._fingerprints[key] = parse_fingerprints(decode_json(response))
        return dataclasses.replace(event.grouping, issue_fingerprints=self._fingerprints[key])

    async def get_issue(self, issue_id: str) -> Issue:
        key = await self._issue_key(issue_id)
        issue = await self._query_issue(key)
        if issue is not None:
            return issue
        # No events in the look-back window: only the REST issue (without counts) is left.
        try:
            data = decode_json(await self._call("GET", f"error_tracking/issues/{key}/"))
        except AuthError as exc:
            raise _explained(exc, "error_tracking:read") from None
        return self._parse_issue(_mapping(data, "issue"))

    async def get_event(self, issue_id: str, event: str = EVENT_LATEST) -> Event:
        key = await self._issue_key(issue_id)
        if event in (EVENT_LATEST, EVENT_OLDEST):
            found = await self._events(key, newest_first=event == EVENT_LATEST, limit=2)
            if not found:
                raise NotFound(f"issue {short_id(key)} has no events in the last 90 days")
            other = as_str(found[1].get("uuid")) if len(found) > 1 else None
            older, newer = (other, None) if event == EVENT_LATEST else (None, other)
            return await self._event(found[0], older, newer)
        if not pq.UUID.match(event):
            raise Unsupported(f"posthog cannot fetch the {event} event of an issue")
        found = await self._events(key, where=(pq.uuid_is(event),))
        if not found:
            raise NotFound(f"no event {event} in issue {short_id(key)}")
        return await self._event(found[0], *await self._neighbours(key, found[0]))

    async def set_status(self, issue_id: str, action: StatusAction) -> Issue:
        return await self.apply(issue_id, StatusChange(action))

    async def apply(self, issue_id: str, change: Change) -> Issue:
        body = pt.issue_body(change)
        key = await self._issue_key(issue_id)
        # An assignment has its own route, which answers only `{"success": true}`.
        route = "assign/" if isinstance(change, AssignChange) else ""

        async def write() -> Issue | None:
            response = await self._write("PATCH", f"error_tracking/issues/{key}/{route}", body)
            try:
                updated = _mapping(decode_json(response), "issue")
            except InvalidResponse:
                return None
            # Only an answer about this issue that states what was changed confirms anything.
            if as_str(updated.get("id")) != key or any(k not in updated for k in body):
                return None
            return await self._with_status_of(key, updated)

        return await confirmed_change(self.client, change, write, lambda: self._confirmed(key))

    async def bulk_apply(
        self, issue_ids: Sequence[str], change: Change
    ) -> list[Issue | BackendError]:
        """One request for many issues (PostHog's `bulk` endpoint), then each read back."""
        keys = [await self._issue_key(i) for i in issue_ids]
        body: dict[str, Any] = {"ids": keys, **pt.bulk_body(change)}
        return await bulk_confirmed(
            keys,
            change,
            lambda: self._write("POST", "error_tracking/issues/bulk/", body),
            self._confirmed,
        )

    async def members(self) -> tuple[Assignee, ...]:
        """The organisation's users, then its roles (an enterprise feature: absent elsewhere)."""
        users = pt.parse_members(await self.client.get_json(ORG_API + "members/"))
        try:
            roles = pt.parse_roles(await self.client.get_json(ORG_API + "roles/"))
        except (NotFound, AuthError):
            roles = []
        self._people = {a.key: a for a in (*users, *roles)}
        return (*users, *roles)

    async def me(self) -> Assignee:
        return pt.parse_user(await self.client.get_json("/api/users/@me/"))

    async def activity(self, issue_id: str) -> tuple[Activity, ...]:
        key = await self._issue_key(issue_id)
        response = await self._call("GET", f"error_tracking/issues/{key}/activity/")
        return pt.parse_activity(decode_json(response))

    async def comment(self, issue_id: str, text: str) -> Activity:
        raise Unsupported(self.capabilities.why_not(Feature.COMMENT))

    async def check(self) -> str:
        await self._query(pq.issue_query(limit=1), "query:read and error_tracking:read")
        try:
            project = as_dict(await self.client.get_json(f"/api/projects/{self.project}/"))
            name = f" {as_str(project.get('name'))!r}" if project.get("name") else ""
        except BackendError:  # `project:read` is not needed for anything else
            name = ""
        return f"posthog: project{name} ({self.project}), error tracking readable"

    def symbol_source(self) -> PostHogSymbolSource:
        """This project's symbol sets as a source for the local symbolicator (by chunk id)."""
        return PostHogSymbolSource(self.fetch_symbol_set, name=f"posthog project {self.project}")

    async def symbol_sets(self) -> SymbolSetList:
        """The project's symbol sets, with the server's failure reasons."""
        return await self._symbol_set_api.list()

    async def upload_symbol_set(
        self, chunk_id: str, minified: bytes, source_map: bytes
    ) -> ServerSymbolSet:
        """Upload or replace the set for `chunk_id`; the set as the server then lists it."""
        return await self._symbol_set_api.upload(chunk_id, minified, source_map)

    @property
    def _symbol_set_api(self) -> PostHogSymbolSets:
        return PostHogSymbolSets(self._call, self.client, self.downloads)

    async def fetch_symbol_set(self, chunk_id: str) -> bytes | None:
        """The blob uploaded for `chunk_id`, None when there is none; `LookupFailed` says why
        one exists but cannot be had."""
        try:
            listed = decode_json(
                await self._call("GET", "error_tracking/symbol_sets/", params={"ref": chunk_id})
            )
        except BackendError as exc:
            raise LookupFailed(f"cannot list symbol sets: {exc}") from None
        items = listed.get("results") if isinstance(listed, Mapping) else listed
        listed_sets = [as_dict(i) for i in as_list(items)]
        match = next((i for i in listed_sets if i.get("ref") == chunk_id), None)
        if match is None:
            return None
        if not match.get("storage_ptr") and match.get("failure_reason"):
            raise LookupFailed(f"symbol set {chunk_id}: {as_str(match['failure_reason'])}")
        try:
            return await self._download(as_id(match.get("id")))
        except BackendError as exc:
            raise LookupFailed(f"cannot download symbol set {chunk_id}: {exc}") from None

    async def aclose(self) -> None:
        await self.client.aclose()
        await self.downloads.aclose()

    async def _download(self, symbol_set_id: str) -> bytes:
        response = await self._call(
            "GET", f"error_tracking/symbol_sets/{path_segment(symbol_set_id)}/download/"
        )
        if "json" not in response.headers.get("content-type", ""):
            return response.content  # the server streamed the blob itself
        link = as_dict(decode_json(response))
        url = as_str(link.get("url") or link.get("presigned_url") or link.get("download_url"))
        if not url:
            raise InvalidResponse("the symbol set download answer holds no URL")
        return await self.downloads.download(url, MAX_SYMBOL_SET_BYTES)

    async def _write(self, method: str, rest: str, body: dict[str, Any]) -> httpx.Response:
        try:
            return await self._call(method, rest, json=body)
        except AuthError as exc:
            raise _explained(exc, "error_tracking:write") from None

    async def _confirmed(self, key: str) -> Issue:
        """The issue with the status REST reports: the authority, which query results may lag."""
        try:
            data = decode_json(await self._call("GET", f"error_tracking/issues/{key}/"))
        except AuthError as exc:
            raise _explained(exc, "error_tracking:read") from None
        rest = _mapping(data, "issue")
        same_issue(self._parse_issue(rest), key, "described")
        return await self._with_status_of(key, rest)

    async def _with_status_of(self, key: str, rest: Mapping[str, Any]) -> Issue:
        issue = await self._query_issue(key) or self._parse_issue(rest)
        raw = as_str(rest.get("status")) or issue.raw_status
        status = STATUS_MAP.get(raw, issue.status)
        assignee = pt.parse_assignee(rest.get("assignee"))
        assignee = self._people.get(assignee.key, assignee) if assignee else None
        return dataclasses.replace(issue, raw_status=raw, status=status, assignee=assignee)

    async def _query_issue(self, key: str) -> Issue | None:
        data = await self._query(pq.issue_query(issue_id=key), "error_tracking:read")
        issues = [i for i in self._issues(data) if i.id == key]
        return issues[0] if issues else None

    async def _issue_key(self, issue_id: str) -> str:
        """The full uuid for a uuid, a short id or another fragment of one."""
        if pq.UUID.match(issue_id):
            return pq.checked_uuid(issue_id)
        fragment = issue_id.replace("-", "").lower()
        if len(fragment) < MIN_FRAGMENT or any(c not in "0123456789abcdef" for c in fragment):
            raise NotFound(f"{issue_id!r} is neither a PostHog issue id nor a short id")
        for offset in range(0, SCAN_PAGES * pq.MAX_PAGE, pq.MAX_PAGE):
            if found := self._by_fragment(fragment):
                return found
            body = pq.issue_query(limit=pq.MAX_PAGE, offset=offset)
            data = await self._query(body, "error_tracking:read")
            self._issues(data)
            if not (isinstance(data, Mapping) and data.get("hasMore")):
                break
        if found := self._by_fragment(fragment):
            return found
        raise NotFound(f"no issue seen in the last 90 days has an id starting or ending {issue_id}")

    def _by_fragment(self, fragment: str) -> str | None:
        bare = {full: full.replace("-", "") for full in self._seen.values()}
        hits = {full for full, b in bare.items() if b.startswith(fragment) or b.endswith(fragment)}
        if len(hits) > 1:
            shown = ", ".join(sorted(hits)[:5])
            raise NotFound(f"{fragment!r} matches several issues ({shown}): give more of the id")
        return hits.pop() if hits else None

    def _issues(self, data: Any, bucket_seconds: int = 0) -> list[Issue]:
        """Parse query results, remembering every id seen for short-id lookups."""
        if not isinstance(data, Mapping) or not isinstance(data.get("results"), list):
            raise InvalidResponse("the error-tracking query answer has no results list")
        results = [i for i in data["results"] if isinstance(i, Mapping)]
        issues = [self._parse_issue(i, bucket_seconds) for i in results]
        self._seen.update((i.short_id, i.id) for i in issues)
        return issues

    def _parse_issue(self, data: Mapping[str, Any], bucket_seconds: int = 0) -> Issue:
        return parse_issue(
            data, base_url=self.public_url, project=self.project, bucket_seconds=bucket_seconds
        )

    async def _events(
        self,
        key: str,
        *,
        where: tuple[str, ...] = (),
        newest_first: bool = True,
        limit: int = 1,
        columns: tuple[str, ...] = pq.EVENT_COLUMNS,
    ) -> list[dict[str, Any]]:
        body = pq.events_query(
            key, columns=columns, where=where, newest_first=newest_first, limit=limit
        )
        return pq.rows(await self._query(body, "query:read"), columns)

    async def _neighbours(self, key: str, row: Mapping[str, Any]) -> tuple[str | None, str | None]:
        """The ids of the events just before and after `row` (Sentry's previous/next).

        By timestamp: two events of one issue in the very same microsecond skip each other."""
        moment = parse_event(row).timestamp
        if moment is None:
            return None, None
        ids: list[str | None] = []
        for op, newest_first in (("<", True), (">", False)):
            where = (pq.timestamp_cmp(op, moment),)
            found = await self._events(
                key, where=where, newest_first=newest_first, columns=("uuid",)
            )
            ids.append(as_str(found[0].get("uuid")) if found else None)
        return ids[0], ids[1]

    async def _event(self, row: Mapping[str, Any], older: str | None, newer: str | None) -> Event:
        exception_list = parse_properties(row.get("properties")).get("$exception_list")
        if isinstance(exception_list, str):
            exception_list = _json_list(exception_list)
        raw_ids = resolved_raw_ids(exception_list)
        contexts, note = await self._frame_contexts(raw_ids) if raw_ids else ({}, "")
        event = parse_event(row, contexts=contexts, previous_id=older, next_id=newer)
        if note:
            event = dataclasses.replace(event, processing_errors=(*event.processing_errors, note))
        return event

    async def _frame_contexts(self, raw_ids: list[str]) -> tuple[dict[str, Any], str]:
        """Source lines of resolved frames; without them the frames still show, so a refusal
        (some servers keep this endpoint internal) becomes a note on the event."""
        try:
            response = await self._call(
                "POST",
                "error_tracking/stack_frames/batch_get/",
                json={"raw_ids": raw_ids},
                read_only=True,
            )
            return parse_frame_contexts(decode_json(response)), ""
        except BackendError as exc:
            return {}, f"source context unavailable: {exc}"

    async def _query(self, body: dict[str, Any], needs: str) -> Any:
        try:
            return decode_json(await self._call("POST", "query/", json=body, read_only=True))
        except AuthError as exc:
            raise _explained(exc, needs) from None

    async def _call(
        self,
        method: str,
        rest: str,
        *,
        json: Any = None,
        params: Mapping[str, str] | None = None,
        read_only: bool | None = None,
        body: Body | None = None,
    ) -> httpx.Response:
        """`/api/projects/{id}/<rest>`, else `/api/environments/{id}/<rest>` on a 404; the
        answer is remembered per route family (`query`, `error_tracking`)."""
        family = rest.split("/", 1)[0]
        known = self._prefixes.get(family)
        prefixes = [known] if known else ["projects", "environments"]
        for index, prefix in enumerate(prefixes):
            url = f"/api/{prefix}/{self.project}/{rest}"
            try:
                response = await self.client.request(
                    method, url, json=json, params=params, read_only=read_only, body=body
                )
            except NotFound:
                if index + 1 < len(prefixes):
                    continue
                raise
            self._prefixes[family] = prefix
            return response
        raise AssertionError("unreachable")  # the last prefix returns or raises


def _explained(exc: AuthError, needs: str) -> AuthError:
    text = str(exc)
    if "personal api key" in text.lower():
        return AuthError(OLD_SERVER)
    if "(403)" in text:
        return AuthError(f"the personal API key needs the {needs} scope for this: {text}")
    return exc


def _mapping(data: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise InvalidResponse(f"the {what} is not a JSON object")
    return data


def _json_list(text: str) -> list[Any]:
    try:
        value = loads_json(text)
    except ValueError:
        return []
    return value if isinstance(value, list) else []
