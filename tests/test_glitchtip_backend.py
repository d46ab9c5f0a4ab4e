"""SentryBackend's GlitchTip dialect against a MockTransport that answers as GlitchTip 5.1 did.

Every JSON body is a recorded answer (tests/fixtures/glitchtip); where the real server answered
HTML (its web frontend, a CSRF page, a 500 page), the handler does the same.
"""

from __future__ import annotations

import json
import shlex
from typing import Any

import httpx
import pytest

from tests.conftest import FIXTURES
from tui.backends.errors import InvalidResponse, NotFound, ServerError
from tui.backends.http import ApiClient, decode_json
from tui.backends.sentry import MAX_SHORT_ID_PAGES, SentryBackend
from tui.backends.sentry_dialects import GLITCHTIP
from tui.model import IssueQuery, IssueStatus, StatusAction

HTML = {"Content-Type": "text/html; charset=utf-8"}
LIST_HEADERS = (FIXTURES / "glitchtip" / "org_issues_list_limit3_project1.headers.txt").read_text()
RECORDED_LINK = next(h for h in LIST_HEADERS.splitlines() if h.startswith("Link: "))[6:]
NEXT_CURSOR = "cD0yMDI2LTEyLTAxKzA0JTNBNDUlM0ExMi4zNTAzNTIlMkIwMCUzQTAw"


def load(name: str) -> Any:
    return json.loads((FIXTURES / "glitchtip" / name).read_text())


class GlitchTip:
    """Routes as the real server has them; records every request."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.issues = {i["id"]: i for i in load("org_issues_list_default.json")}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path, params = request.url.path, request.url.params
        if path == "/api/0/organizations/":
            return httpx.Response(200, json=load("organizations.json"))
        if path == "/api/0/organizations/acme/projects/":
            return httpx.Response(200, json=load("org_projects.json"))
        if path == "/api/0/organizations/acme/issues/":
            return self.issue_list(params)
        parts = path.strip("/").split("/")
        if parts[:3] == ["api", "0", "issues"] and not parts[3].isdigit():
            # No short-id route: the web frontend answers, or Django's CSRF check on a write.
            status = 403 if request.method == "PUT" else 200
            return httpx.Response(
                status, text="<!doctype html><title>GlitchTip</title>", headers=HTML
            )
        if parts[:3] == ["api", "0", "issues"] and len(parts) == 4 and request.method == "PUT":
            return httpx.Response(200, json=load(f"put_issue{parts[3]}_resolved.json"))
        if parts[:3] == ["api", "0", "issues"] and len(parts) == 4:
            return httpx.Response(200, json=self.issues[parts[3]])
        if parts[4:] == ["events", "latest"]:
            name = {"1": "issue1_event_latest.json", "3": "issue3_message_event_latest.json"}
            return httpx.Response(200, json=load(name[parts[3]]))
        return httpx.Response(404, json={"detail": "Not Found"})

    def issue_list(self, params: httpx.QueryParams) -> httpx.Response:
        try:
            shlex.split(params.get("query", ""))  # what glitchtip-backend does with the query
        except ValueError:
            return httpx.Response(500, text="<h1>Server Error (500)</h1>", headers=HTML)
        if params.get("cursor") == NEXT_CURSOR:
            first_page = {i["id"] for i in load("org_issues_list_limit3_project1.json")}
            rest = [i for i in self.issues.values() if i["project"]["id"] == "1"]
            return httpx.Response(200, json=[i for i in rest if i["id"] not in first_page])
        if params.get("project") == "1":
            body = load("org_issues_list_limit3_project1.json")
            return httpx.Response(200, json=body, headers={"Link": RECORDED_LINK})
        return httpx.Response(200, json=list(self.issues.values()))


def backend(server: GlitchTip, projects: tuple[str, ...] = ()) -> SentryBackend:
    client = ApiClient(
        "https://glitchtip.example.test", "tok", transport=httpx.MockTransport(server)
    )
    return SentryBackend(client, "acme", projects, GLITCHTIP)


async def test_short_id_is_found_by_listing_the_project_never_put_in_a_path() -> None:
    server = GlitchTip()
    issue = await backend(server).get_issue("BILLING-API-2")
    assert (issue.id, issue.short_id) == ("2", "BILLING-API-2")
    listings = [r for r in server.requests if r.url.path.endswith("/issues/")]
    assert listings[0].url.params.get_list("project") == ["1"]
    assert "query" not in listings[0].url.params  # every status, not only unresolved
    assert listings[-1].url.params["cursor"] == NEXT_CURSOR  # the recorded Python-set Link
    assert not any("BILLING" in r.url.path for r in server.requests)


async def test_a_short_id_resolves_to_the_numeric_id_for_events_and_status_paths() -> None:
    server = GlitchTip()
    event = await backend(server).get_event("billing-api-3")
    assert event.issue_id == "3"
    assert server.requests[-1].url.path == "/api/0/issues/3/events/latest/"


async def test_resolving_by_short_id_puts_to_the_numeric_path() -> None:
    server = GlitchTip()
    resolved = await backend(server).set_status("BILLING-API-2", StatusAction.RESOLVE)
    [put] = [r for r in server.requests if r.method == "PUT"]
    assert put.url.path == "/api/0/issues/2/" and json.loads(put.content) == {"status": "resolved"}
    assert resolved.status is IssueStatus.RESOLVED and resolved.short_id == "BILLING-API-2"
    assert resolved.culprit == "billing/ledger.py in split_bill"


async def test_an_unknown_short_id_is_not_found() -> None:
    with pytest.raises(NotFound, match="NOPE-1"):
        await backend(GlitchTip()).get_issue("NOPE-1")
    with pytest.raises(NotFound, match="BILLING-API-ZZ"):
        await backend(GlitchTip()).get_issue("BILLING-API-ZZ")


async def test_an_event_without_a_level_takes_the_issues() -> None:
    server = GlitchTip()
    server.issues["3"] = load("issue3_detail.json")
    gt = backend(server)
    issue = await gt.get_issue("3")
    event = await gt.get_event(issue.id)
    assert issue.level == event.level == "info"
    assert event.release == "billing@1.2.3"


async def test_an_event_fetched_first_asks_the_issue_for_its_level() -> None:
    server = GlitchTip()
    server.issues["3"] = load("issue3_detail.json")
    event = await backend(server).get_event("3")
    assert event.level == "info"
    paths = [r.url.path for r in server.requests]
    assert paths.count("/api/0/issues/3/") == 1 and paths[-1] == "/api/0/issues/3/events/latest/"


async def test_an_unbalanced_quote_is_escaped_so_the_server_can_split_it() -> None:
    server = GlitchTip()
    page = await backend(server).list_issues(IssueQuery(query="is:unresolved it's broken"))
    sent = server.requests[-1].url.params["query"]
    assert shlex.split(sent) == ["is:unresolved", "it's", "broken"]
    assert page.issues


async def test_a_query_the_server_cannot_run_is_named_as_refused() -> None:
    def broken(request: httpx.Request) -> httpx.Response:
        return httpx.Response(500, text="<h1>Server Error (500)</h1>", headers=HTML)

    client = ApiClient("https://gt.test", "tok", transport=httpx.MockTransport(broken), retries=0)
    gt = SentryBackend(client, "acme", (), GLITCHTIP)
    with pytest.raises(ServerError, match="could not run the query 'level:fatal'"):
        await gt.list_issues(IssueQuery(query="level:fatal"))


async def test_config_check_fails_for_a_project_that_does_not_exist() -> None:
    for missing in ("billing", "42"):
        with pytest.raises(NotFound, match=f"no project '{missing}'.*billing-api"):
            await backend(GlitchTip(), (missing,)).check()
    assert "3 projects" in await backend(GlitchTip(), ("bulk", "1")).check()


async def test_issues_outside_the_profiles_projects_are_refused_before_any_write() -> None:
    server = GlitchTip()
    gt = backend(server, ("shop-web",))
    with pytest.raises(NotFound, match="belongs to billing-api"):
        await gt.set_status("2", next(iter(gt.status_actions)))
    with pytest.raises(NotFound, match="belongs to billing-api"):
        await gt.get_event("BILLING-API-1")
    assert all(r.method == "GET" for r in server.requests)
    assert (await gt.get_issue("8")).short_id == "SHOP-WEB-1"


@pytest.mark.parametrize("method", ["GET", "PUT"])
async def test_an_html_answer_is_named_as_such_never_as_a_token_problem(method: str) -> None:
    transport = httpx.MockTransport(GlitchTip())
    client = ApiClient("https://glitchtip.example.test", "tok", transport=transport)
    with pytest.raises(InvalidResponse, match="an HTML page, not the API") as caught:
        response = await client.request(method, "/api/0/issues/BILLING-API-1/", json={})
        decode_json(response)
    assert "token" not in str(caught.value) and "scope" not in str(caught.value)


async def test_without_projects_an_issue_of_another_organisation_is_refused() -> None:
    server = GlitchTip()
    foreign = {"id": "77", "slug": "their-app", "name": "Their app", "platform": "python"}
    server.issues["77"] = {**server.issues["2"], "id": "77", "project": foreign}
    gt = backend(server)
    with pytest.raises(NotFound, match="no issue 77 in organisation 'acme'.*their-app"):
        await gt.set_status("77", StatusAction.RESOLVE)
    assert not any(r.method == "PUT" for r in server.requests)
    assert (await gt.get_issue("2")).project == "billing-api"


class EndlessGlitchTip(GlitchTip):
    """Every page of the issue list names one more: a server that never runs out."""

    def issue_list(self, params: httpx.QueryParams) -> httpx.Response:
        page = int(params.get("cursor", "0")) + 1
        url = f"https://glitchtip.example.test/api/0/organizations/acme/issues/?cursor={page}"
        link = f'<{url}>; rel="next"; results="true"'
        issue = {**self.issues["1"], "id": str(1000 + page), "shortId": f"BILLING-API-X{page}"}
        return httpx.Response(200, json=[issue], headers={"Link": link})


async def test_a_short_id_lookup_stops_paging_a_list_that_never_ends() -> None:
    server = EndlessGlitchTip()
    with pytest.raises(NotFound, match="among the project's newest issues"):
        await backend(server).get_issue("BILLING-API-ZZ")
    listings = [r for r in server.requests if r.url.path.endswith("/issues/")]
    assert len(listings) == MAX_SHORT_ID_PAGES
