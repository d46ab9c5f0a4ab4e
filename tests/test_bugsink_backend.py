"""BugsinkBackend against payloads recorded from a real Bugsink 2.6.1, via httpx.MockTransport."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.conftest import FIXTURES
from tui.backends.bugsink import BugsinkBackend, parse_bugsink_issue
from tui.backends.errors import AuthError, NotFound, ServerError, Unsupported
from tui.model import IssueQuery, IssueStatus, StatusAction

SITE = "https://bugs.example.com"
API = "/api/canonical/0"
ISSUE_UUID = "f99f0db3-bc4b-4a4c-a4dd-26d01d121529"
PY_EVENT_UUID = "7e3fa3cc-c085-473d-89b2-1b722d254b2f"
Answer = httpx.Response | Callable[[httpx.Request], httpx.Response]


def load(name: str) -> Any:
    return json.loads((FIXTURES / "bugsink" / name).read_text())


ISSUE = load("issue_detail_by_friendly_id.json")
PROJECTS = load("projects_list.json")


def issue(**changes: Any) -> dict[str, Any]:
    return {**copy.deepcopy(ISSUE), **changes}


def page(results: list[Any], next_url: str | None = None) -> httpx.Response:
    return httpx.Response(200, json={"next": next_url, "previous": None, "results": results})


class FakeBugsink:
    """Answers by `METHOD path` (below the API root); each route's answers are used in turn."""

    def __init__(self, routes: dict[str, Answer | list[Answer]]) -> None:
        self.routes = {k: v if isinstance(v, list) else [v] for k, v in routes.items()}
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        key = f"{request.method} {request.url.path.removeprefix(API)}"
        answers = self.routes.get(key)
        if not answers:
            return httpx.Response(404, json={"detail": "Not found."})
        answer = answers.pop(0) if len(answers) > 1 else answers[0]
        return answer(request) if callable(answer) else answer

    def sent(self, method: str = "") -> list[str]:
        """`METHOD path?query` of every request (of one method), in order."""
        return [
            f"{r.method} {r.url.path.removeprefix(API)}"
            + (f"?{r.url.query.decode()}" if r.url.query else "")
            for r in self.requests
            if not method or r.method == method
        ]


def backend_for(fake: FakeBugsink, project: str = "pyapp") -> BugsinkBackend:
    return BugsinkBackend.from_profile(SITE, "a" * 40, project, transport=httpx.MockTransport(fake))


def with_projects(routes: dict[str, Answer | list[Answer]]) -> FakeBugsink:
    return FakeBugsink({"GET /projects/": httpx.Response(200, json=PROJECTS), **routes})


@pytest.mark.parametrize(
    ("payload", "status", "raw"),
    [
        ("issue_detail_by_friendly_id.json", IssueStatus.UNRESOLVED, "unresolved"),
        ("issue_resolve_response.json", IssueStatus.RESOLVED, "resolved"),
        ("issue_mute_for_response.json", IssueStatus.IGNORED, "muted"),
    ],
)
def test_status_comes_from_the_booleans(payload: str, status: IssueStatus, raw: str) -> None:
    parsed = parse_bugsink_issue(load(payload))
    assert (parsed.status, parsed.raw_status) == (status, raw)


def test_resolved_by_next_release_keeps_bugsinks_wording() -> None:
    data = issue(is_resolved=True, is_resolved_by_next_release=True)
    parsed = parse_bugsink_issue(data)
    assert (parsed.status, parsed.raw_status) == (IssueStatus.RESOLVED, "resolved_next_release")


def test_issue_fields_map_to_the_model() -> None:
    parsed = parse_bugsink_issue(ISSUE, "pyapp", SITE)
    assert parsed.id == ISSUE_UUID and parsed.short_id == "PYAPP-1"
    assert parsed.title == "ValueError: port missing from settings ['debug', 'host']"
    assert (parsed.type, parsed.count, parsed.project) == ("ValueError", 1, "pyapp")
    assert parsed.last_seen is not None and parsed.last_seen.tzinfo is not None
    assert parsed.permalink == f"{SITE}/issues/issue/{ISSUE_UUID}/"


def test_title_takes_the_first_line_and_log_messages_bare() -> None:
    multi = parse_bugsink_issue(issue(calculated_type="KeyError", calculated_value="a\nb"))
    log = parse_bugsink_issue(issue(calculated_type="Log Message", calculated_value="disk full"))
    assert (multi.title, log.title) == ("KeyError: a", "disk full")


async def test_list_finds_the_project_by_slug_and_sorts_by_last_seen() -> None:
    fake = with_projects({"GET /issues/": httpx.Response(200, json=load("issues_list.json"))})
    result = await backend_for(fake).list_issues(IssueQuery())
    assert [i.short_id for i in result.issues] == ["PYAPP-1"]
    assert result.next_cursor is None
    assert fake.sent()[-1] == "GET /issues/?project=1&sort=last_seen&order=desc"
    assert fake.requests[-1].headers["Authorization"] == "Bearer " + "a" * 40


async def test_list_by_project_id_and_other_sorts() -> None:
    fake = FakeBugsink(
        {
            "GET /projects/5/": httpx.Response(200, json=PROJECTS["results"][3]),
            "GET /issues/": page([]),
        }
    )
    await backend_for(fake, "5").list_issues(IssueQuery(sort="freq"))
    assert fake.sent() == [
        "GET /projects/5/",
        "GET /issues/?project=5&sort=digested_event_count&order=desc",
    ]
    with pytest.raises(Unsupported, match="trends"):
        await backend_for(fake, "5").list_issues(IssueQuery(sort="trends"))


async def test_filtering_pages_on_until_the_limit_and_resumes_mid_page() -> None:
    resolved = [issue(id=f"r{n}", friendly_id=f"PYAPP-{n}", is_resolved=True) for n in range(3)]
    open_ = [issue(id=f"u{n}", friendly_id=f"PYAPP-{10 + n}") for n in range(3)]
    # `next` names the host Bugsink believes it has; we stay on ours and keep only the query.
    next_url = "http://internal:8000/api/canonical/0/issues/?cursor=abc&project=1"
    fake = with_projects({"GET /issues/": [page(resolved, next_url), page(open_)]})
    backend = backend_for(fake)

    first = await backend.list_issues(IssueQuery(query="is:unresolved", limit=2))
    assert [i.id for i in first.issues] == ["u0", "u1"]
    assert fake.requests[-1].url.host == "bugs.example.com"
    assert fake.sent()[-1] == "GET /issues/?cursor=abc&project=1"

    fake.routes["GET /issues/"] = [page(open_)]
    rest = await backend.list_issues(IssueQuery(query="is:unresolved", limit=2), first.next_cursor)
    assert [i.id for i in rest.issues] == ["u2"]  # nothing skipped, nothing twice
    assert rest.next_cursor is None


async def test_a_full_page_hands_on_bugsinks_next_url() -> None:
    next_url = f"{SITE}{API}/issues/?cursor=xyz&project=1"
    fake = with_projects({"GET /issues/": page([issue(id="a"), issue(id="b")], next_url)})
    result = await backend_for(fake).list_issues(IssueQuery(query="", limit=2))
    assert result.next_cursor == next_url


async def test_free_text_search_runs_on_the_client() -> None:
    issues = [
        issue(id="a", calculated_type="KeyError", calculated_value="'port'"),
        issue(id="b", calculated_type="ZeroDivisionError", calculated_value="division by zero"),
    ]
    fake = with_projects({"GET /issues/": page(issues)})
    result = await backend_for(fake).list_issues(IssueQuery(query="is:unresolved DIVISION"))
    assert [i.id for i in result.issues] == ["b"]


async def test_latest_event_is_the_raw_event_with_its_older_neighbour() -> None:
    events = load("events_list_page2.json")["results"]
    fake = with_projects(
        {
            "GET /events/": page(events[:2]),
            f"GET /events/{events[0]['id']}/": httpx.Response(
                200, json=load("py_event_detail.json")
            ),
        }
    )
    event = await backend_for(fake).get_event(ISSUE_UUID)
    assert fake.sent()[0] == f"GET /events/?issue={ISSUE_UUID}&order=desc"
    assert event.id == PY_EVENT_UUID  # Bugsink's uuid, which fetches the event again
    assert (event.previous_event_id, event.next_event_id) == (events[1]["id"], None)
    assert [e.type for e in event.exceptions] == ["ValueError", "KeyError"]
    assert event.breadcrumbs[0].message == "starting test app"


async def test_oldest_event_links_to_the_next_newer_one() -> None:
    events = load("events_list_page2.json")["results"]
    fake = with_projects(
        {
            "GET /events/": page(events[-1:-3:-1]),
            f"GET /events/{events[-1]['id']}/": httpx.Response(
                200, json=load("py_event_detail.json")
            ),
        }
    )
    event = await backend_for(fake).get_event(ISSUE_UUID, "oldest")
    assert fake.sent()[0].endswith("order=asc")
    assert (event.previous_event_id, event.next_event_id) == (None, events[-2]["id"])


async def test_event_by_sdk_id_is_found_across_pages_with_both_neighbours() -> None:
    events = load("events_list_page2.json")["results"]
    first_page, second_page = events[:25], events[25:]
    wanted = second_page[0]
    fake = with_projects(
        {
            "GET /events/": [page(first_page, f"{SITE}{API}/events/?cursor=p2"), page(second_page)],
            f"GET /events/{wanted['id']}/": httpx.Response(200, json=load("py_event_detail.json")),
        }
    )
    event = await backend_for(fake).get_event(ISSUE_UUID, wanted["event_id"].replace("-", ""))
    assert event.id == PY_EVENT_UUID
    assert (event.next_event_id, event.previous_event_id) == (
        first_page[-1]["id"],
        second_page[1]["id"],
    )


async def test_friendly_id_is_looked_up_before_the_events() -> None:
    fake = with_projects(
        {"GET /issues/PYAPP-1/": httpx.Response(200, json=ISSUE), "GET /events/": page([])}
    )
    with pytest.raises(NotFound, match="no stored events"):
        await backend_for(fake).get_event("PYAPP-1")
    assert fake.sent()[-1] == f"GET /events/?issue={ISSUE_UUID}&order=desc"


async def test_javascript_event_keeps_debug_meta_and_float_timestamps() -> None:
    node = load("node_sdk_event_detail.json")
    fake = with_projects(
        {"GET /events/": page([node]), f"GET /events/{node['id']}/": httpx.Response(200, json=node)}
    )
    event = await backend_for(fake).get_event(ISSUE_UUID)
    assert event.timestamp is not None and event.timestamp.year == 2026
    assert event.debug_images[0].debug_id == "a45df9fb-8f62-582a-95a4-cc044642fc66"
    assert event.exceptions[0].stacktrace is not None
    assert event.exceptions[0].stacktrace.frames[-1].colno == 56


async def test_recommended_event_is_unsupported() -> None:
    backend = backend_for(with_projects({}))
    assert "recommended" not in backend.event_refs
    with pytest.raises(Unsupported):
        await backend.get_event(ISSUE_UUID, "recommended")


@pytest.mark.parametrize(
    ("action", "current", "endpoint", "answer"),
    [
        (StatusAction.RESOLVE, {}, "resolve", "issue_resolve_response.json"),
        (StatusAction.IGNORE, {}, "mute", "issue_mute_for_response.json"),
        (StatusAction.REOPEN, {"is_resolved": True}, "reopen", "issue_reopen_response.json"),
        (StatusAction.REOPEN, {"is_muted": True}, "unmute", "issue_reopen_response.json"),
        (StatusAction.RESOLVE_NEXT_RELEASE, {}, "resolve-next", "issue_resolve_response.json"),
    ],
)
async def test_status_changes_post_bugsinks_action_and_return_its_answer(
    action: StatusAction, current: dict[str, Any], endpoint: str, answer: str
) -> None:
    answered = {**load(answer), "id": ISSUE_UUID}  # the mute answer was recorded on another issue
    fake = with_projects(
        {
            "GET /issues/PYAPP-1/": httpx.Response(200, json=issue(**current)),
            f"POST /issues/{ISSUE_UUID}/{endpoint}/": httpx.Response(200, json=answered),
        }
    )
    result = await backend_for(fake).set_status("PYAPP-1", action)
    assert fake.sent("POST") == [f"POST /issues/{ISSUE_UUID}/{endpoint}/"]
    assert result == parse_bugsink_issue(answered, "pyapp", SITE)


async def test_an_answer_about_another_issue_is_not_taken_for_this_one() -> None:
    other = load("issue_mute_for_response.json")
    assert other["id"] != ISSUE_UUID
    fake = with_projects(
        {
            "GET /issues/PYAPP-1/": httpx.Response(200, json=ISSUE),
            f"GET /issues/{ISSUE_UUID}/": httpx.Response(200, json=ISSUE),
            f"POST /issues/{ISSUE_UUID}/mute/": httpx.Response(200, json=other),
        }
    )
    result = await backend_for(fake).set_status("PYAPP-1", StatusAction.IGNORE)
    assert result.id == ISSUE_UUID and result.status is IssueStatus.UNRESOLVED


async def test_a_change_to_the_current_state_sends_nothing() -> None:
    fake = with_projects(
        {"GET /issues/PYAPP-1/": httpx.Response(200, json=issue(is_resolved=True))}
    )
    result = await backend_for(fake).set_status("PYAPP-1", StatusAction.RESOLVE)
    assert result.status is IssueStatus.RESOLVED and fake.sent("POST") == []


async def test_refused_change_reports_where_the_issue_is_now() -> None:
    """The issue changed between our look and our POST: the server's state wins."""
    refused = httpx.Response(400, json={"detail": "Issue is already resolved."})
    fake = with_projects(
        {
            "GET /issues/PYAPP-1/": httpx.Response(200, json=ISSUE),
            f"GET /issues/{ISSUE_UUID}/": httpx.Response(200, json=issue(is_resolved=True)),
            f"POST /issues/{ISSUE_UUID}/resolve/": refused,
        }
    )
    result = await backend_for(fake).set_status("PYAPP-1", StatusAction.RESOLVE)
    assert result.status is IssueStatus.RESOLVED


async def test_refused_change_that_did_not_happen_raises_the_servers_reason() -> None:
    refused = httpx.Response(400, json={"detail": "Issue is already muted."})
    fake = with_projects(
        {
            "GET /issues/PYAPP-1/": httpx.Response(200, json=ISSUE),
            f"GET /issues/{ISSUE_UUID}/": httpx.Response(200, json=ISSUE),
            f"POST /issues/{ISSUE_UUID}/resolve/": refused,
        }
    )
    with pytest.raises(ServerError, match="already muted"):
        await backend_for(fake).set_status("PYAPP-1", StatusAction.RESOLVE)


async def test_muting_a_resolved_issue_reopens_it_first() -> None:
    fake = with_projects(
        {
            "GET /issues/PYAPP-1/": httpx.Response(200, json=issue(is_resolved=True)),
            f"GET /issues/{ISSUE_UUID}/": httpx.Response(200, json=issue(is_resolved=True)),
            f"POST /issues/{ISSUE_UUID}/reopen/": httpx.Response(200, json=issue()),
            f"POST /issues/{ISSUE_UUID}/mute/": httpx.Response(200, json=issue(is_muted=True)),
        }
    )
    result = await backend_for(fake).set_status("PYAPP-1", StatusAction.IGNORE)
    assert fake.sent("POST") == [
        f"POST /issues/{ISSUE_UUID}/reopen/",
        f"POST /issues/{ISSUE_UUID}/mute/",
    ]
    assert result.status is IssueStatus.IGNORED


async def test_unknown_project_and_bad_token_say_so() -> None:
    with pytest.raises(NotFound, match="no project 'nope'"):
        await backend_for(with_projects({}), "nope").check()
    rejected = FakeBugsink({"GET /projects/": httpx.Response(401, json={"detail": "bad token"})})
    with pytest.raises(AuthError, match="401"):
        await backend_for(rejected).check()


async def test_check_describes_the_project() -> None:
    text = await backend_for(with_projects({})).check()
    assert "pyapp" in text and "id 1" in text and SITE in text


async def test_query_may_name_another_project_and_issues_carry_their_own_slug() -> None:
    bench = issue(id="b1", friendly_id="BENCH1-1", project=2)
    fake = with_projects({"GET /issues/": page([bench])})
    result = await backend_for(fake).list_issues(IssueQuery(projects=("bench1",)))
    assert "GET /issues/?project=2&sort=last_seen&order=desc" in fake.sent()
    assert result.issues[0].project == "bench1"
    with pytest.raises(Unsupported, match="one project"):
        await backend_for(fake).list_issues(IssueQuery(projects=("bench1", "pyapp")))
