"""SentryBackend (and its GlitchTip dialect) against recorded payloads via httpx.MockTransport."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.conftest import FIXTURES
from tui.backends.errors import (
    AuthError,
    ConnectionFailed,
    InvalidResponse,
    NotFound,
    RateLimited,
    ServerError,
    Unsupported,
)
from tui.backends.http import ApiClient
from tui.backends.sentry import SentryBackend
from tui.backends.sentry_dialects import GLITCHTIP, SENTRY
from tui.model import IssueQuery, IssueStatus, StatusAction

ISSUE = json.loads((FIXTURES / "sentry" / "sentry_issue_list_item.json").read_text())
EVENT = json.loads((FIXTURES / "sentry" / "sentry_event_python_chained.json").read_text())
Handler = Callable[[httpx.Request], httpx.Response]


class Recorder:
    """A MockTransport handler that records requests and answers from a queue or a function."""

    def __init__(self, *answers: httpx.Response | Handler) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        return answer(request) if callable(answer) else answer


def make_backend(
    recorder: Recorder, *, url: str = "https://sentry.example.com", dialect=SENTRY, **kw: Any
) -> tuple[SentryBackend, list[float]]:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    client = ApiClient(
        url,
        "tok-secret",
        transport=httpx.MockTransport(recorder),
        sleep=sleep,
        clock=lambda: 1_000.0,
        scopes="event:read",
    )
    return SentryBackend(client, "acme", dialect=dialect, **kw), waits


def issue(n: int, **changes: Any) -> dict[str, Any]:
    return {**ISSUE, "id": str(n), "shortId": f"BILLING-API-{n}", **changes}


async def test_list_follows_link_header_across_pages() -> None:
    first = httpx.Response(
        200,
        json=[issue(1), issue(2)],
        headers={
            "Link": "<https://sentry.example.com/api/0/organizations/acme/issues/?cursor=0:0:1>; "
            'rel="previous"; results="false"; cursor="0:0:1", '
            "<https://sentry.example.com/api/0/organizations/acme/issues/?cursor=0:2:0>; "
            'rel="next"; results="true"; cursor="0:2:0"'
        },
    )
    last = httpx.Response(
        200,
        json=[issue(3)],
        headers={"Link": '<https://x/?cursor=0:3:0>; rel="next"; results="false"; cursor="0:3:0"'},
    )
    recorder = Recorder(first, last)
    backend, _ = make_backend(recorder)
    page = await backend.list_issues(IssueQuery(query="is:unresolved level:error", limit=2))
    assert [i.short_id for i in page.issues] == ["BILLING-API-1", "BILLING-API-2"]
    assert page.next_cursor is not None
    second = await backend.list_issues(IssueQuery(), page.next_cursor)
    assert [i.id for i in second.issues] == ["3"]
    assert second.next_cursor is None
    params = recorder.requests[0].url.params
    assert params["query"] == "is:unresolved level:error"
    assert params["sort"] == "date" and params["limit"] == "2"
    assert recorder.requests[1].url.params["cursor"] == "0:2:0"
    assert recorder.requests[0].headers["Authorization"] == "Bearer tok-secret"
    assert recorder.requests[0].headers["User-Agent"].startswith("stackdeck/")


async def test_glitchtip_link_header_wrapped_in_a_python_set_is_parsed() -> None:
    link = '<https://gt.example.com/api/0/organizations/acme/issues/?cursor=abc>; rel="next"; '
    header = "{'" + link + 'results="true"; cursor="abc"' + "'}"
    recorder = Recorder(httpx.Response(200, json=[issue(1)], headers={"Link": header}))
    backend, _ = make_backend(recorder, dialect=GLITCHTIP)
    page = await backend.list_issues(IssueQuery())
    assert page.next_cursor == "https://gt.example.com/api/0/organizations/acme/issues/?cursor=abc"


async def test_issue_counts_and_status_parse_from_strings() -> None:
    recorder = Recorder(httpx.Response(200, json=[issue(1, count="1287", status="ignored")]))
    backend, _ = make_backend(recorder)
    [parsed] = (await backend.list_issues(IssueQuery())).issues
    assert parsed.count == 1287 and parsed.user_count == 214
    assert parsed.status is IssueStatus.IGNORED and parsed.raw_status == "ignored"
    assert parsed.project == "billing-api"


async def test_glitchtip_dialect_requests() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/projects/"):
            return httpx.Response(200, json=[{"id": 7, "slug": "billing-api"}])
        if request.method == "PUT":
            return httpx.Response(200, json={**issue(5), "status": "resolved"})
        if "/events/" in request.url.path:
            return httpx.Response(200, json=EVENT)
        if request.url.path == "/api/0/issues/5/":
            return httpx.Response(200, json=issue(5))
        return httpx.Response(200, json=[issue(5)])

    recorder = Recorder(answer)
    backend, _ = make_backend(recorder, dialect=GLITCHTIP, projects=("billing-api",))
    await backend.list_issues(IssueQuery(query="is:unresolved", sort="freq"))
    listing = recorder.requests[-1]
    assert listing.url.path == "/api/0/organizations/acme/issues/"
    assert listing.url.params["sort"] == "-count"
    assert listing.url.params["query"] == "is:unresolved"
    assert listing.url.params.get_list("project") == ["7"]
    assert "statsPeriod" not in listing.url.params
    resolved = await backend.set_status("5", StatusAction.RESOLVE)
    put = recorder.requests[-1]
    assert (put.method, put.url.path) == ("PUT", "/api/0/issues/5/")
    assert json.loads(put.content) == {"status": "resolved"}
    assert resolved.status is IssueStatus.RESOLVED
    await backend.get_event("5")
    assert recorder.requests[-1].url.path == "/api/0/issues/5/events/latest/"
    with pytest.raises(Unsupported):
        await backend.get_event("5", "oldest")
    with pytest.raises(Unsupported):
        await backend.set_status("5", StatusAction.RESOLVE_NEXT_RELEASE)


async def test_sentry_status_change_is_one_put_on_the_issue_with_the_documented_body() -> None:
    recorder = Recorder(lambda r: httpx.Response(200, json={**issue(9), "status": "ignored"}))
    backend, _ = make_backend(recorder)
    changed = await backend.set_status("9", StatusAction.IGNORE)
    [put] = recorder.requests
    assert (put.method, put.url.path) == ("PUT", "/api/0/organizations/acme/issues/9/")
    assert json.loads(put.content) == {
        "status": "ignored",
        "substatus": "archived_until_escalating",
    }
    assert changed.status is IssueStatus.IGNORED


async def test_partial_status_answer_reads_the_issue_back() -> None:
    recorder = Recorder(
        httpx.Response(200, json={"status": "resolved", "statusDetails": {}}),
        httpx.Response(200, json={**issue(9), "status": "unresolved"}),
    )
    backend, _ = make_backend(recorder)
    changed = await backend.set_status("9", StatusAction.RESOLVE)
    assert [r.method for r in recorder.requests] == ["PUT", "GET"]
    # The server's word wins: it said unresolved when read back, so that is what we show.
    assert changed.status is IssueStatus.UNRESOLVED


async def test_short_id_is_looked_up_before_fetching_the_event() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if "/shortids/" in request.url.path:
            return httpx.Response(
                200,
                json={
                    "groupId": "4829301773",
                    "group": issue(4829301773, shortId="BILLING-API-3F"),
                },
            )
        return httpx.Response(200, json=EVENT)

    recorder = Recorder(answer)
    backend, _ = make_backend(recorder)
    event = await backend.get_event("BILLING-API-3F", "oldest")
    assert recorder.requests[0].url.path == "/api/0/organizations/acme/shortids/BILLING-API-3F/"
    assert recorder.requests[1].url.path.endswith("/issues/4829301773/events/oldest/")
    assert event.issue_id == "4829301773"


async def test_sentry_io_uses_the_organisations_region_url() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/0/organizations/":
            return httpx.Response(
                200, json=[{"slug": "acme", "links": {"regionUrl": "https://de.sentry.io"}}]
            )
        return httpx.Response(200, json=[issue(1)])

    recorder = Recorder(answer)
    backend, _ = make_backend(recorder, url="https://sentry.io")
    await backend.list_issues(IssueQuery())
    assert recorder.requests[-1].url.host == "de.sentry.io"


@pytest.mark.parametrize(
    ("status", "error", "words"),
    [
        (401, AuthError, "rejected the token"),
        (403, AuthError, "event:read"),
        (404, NotFound, "not found"),
        (500, ServerError, "500"),
    ],
)
async def test_http_errors_map_to_typed_exceptions(status: int, error: type, words: str) -> None:
    recorder = Recorder(httpx.Response(status, json={"detail": "nope"}))
    backend, _ = make_backend(recorder)
    with pytest.raises(error, match=words) as caught:
        await backend.get_issue("1")
    assert "tok-secret" not in str(caught.value)
    assert "nope" in str(caught.value)


async def test_invalid_json_is_an_invalid_response() -> None:
    backend, _ = make_backend(Recorder(httpx.Response(200, text="<html>login</html>")))
    with pytest.raises(InvalidResponse, match="did not return JSON"):
        await backend.get_issue("1")


async def test_connect_errors_are_retried_with_backoff_then_reported() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    recorder = Recorder(refuse)
    backend, waits = make_backend(recorder)
    with pytest.raises(ConnectionFailed, match="connection refused"):
        await backend.get_issue("1")
    assert len(recorder.requests) == 4
    assert waits == [0.5, 1.0, 2.0]


async def test_timeouts_on_writes_are_not_repeated() -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("read timed out", request=request)

    recorder = Recorder(slow)
    backend, _ = make_backend(recorder)
    with pytest.raises(ConnectionFailed, match="timed out"):
        await backend.set_status("1", StatusAction.RESOLVE)
    # The PUT may have reached the server: it is only sent again once a read shows it did not
    # apply, and here the reads time out too.
    assert [r.method for r in recorder.requests] == ["PUT", "GET", "GET", "GET", "GET"]


async def test_gateway_errors_are_retried() -> None:
    recorder = Recorder(
        httpx.Response(503), httpx.Response(502), httpx.Response(200, json=issue(1))
    )
    backend, waits = make_backend(recorder)
    assert (await backend.get_issue("1")).id == "1"
    assert waits == [0.5, 1.0]


async def test_429_then_success_honours_retry_after() -> None:
    recorder = Recorder(
        httpx.Response(429, headers={"Retry-After": "7"}), httpx.Response(200, json=issue(1))
    )
    backend, waits = make_backend(recorder)
    assert (await backend.get_issue("1")).id == "1"
    assert waits == [7.0]


async def test_429_without_retry_after_waits_until_sentry_reset() -> None:
    recorder = Recorder(
        httpx.Response(429, headers={"X-Sentry-Rate-Limit-Reset": "1012"}),
        httpx.Response(200, json=issue(1)),
    )
    backend, waits = make_backend(recorder)
    await backend.get_issue("1")
    assert waits == [12.0]  # the clock says 1000


async def test_429_with_a_long_wait_is_reported_not_slept() -> None:
    recorder = Recorder(httpx.Response(429, headers={"Retry-After": "3600"}))
    backend, waits = make_backend(recorder)
    with pytest.raises(RateLimited) as caught:
        await backend.get_issue("1")
    assert caught.value.retry_after == 3600
    assert waits == []


async def test_check_names_a_missing_organisation() -> None:
    recorder = Recorder(httpx.Response(200, json=[{"slug": "other"}]))
    backend, _ = make_backend(recorder)
    with pytest.raises(NotFound, match="'acme'.*other"):
        await backend.check()


@pytest.mark.parametrize(
    ("dialect", "known"), [(SENTRY, "date, new, freq"), (GLITCHTIP, "priority")]
)
async def test_an_unknown_sort_is_refused_before_any_request(dialect: Any, known: str) -> None:
    recorder = Recorder(httpx.Response(200, json=[issue(1)]))
    backend, _ = make_backend(recorder, dialect=dialect)
    with pytest.raises(Unsupported, match=f"cannot sort by 'bogus': use .*{known}"):
        await backend.list_issues(IssueQuery(sort="bogus"))
    assert recorder.requests == []
