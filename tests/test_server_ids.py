"""Ids a lying server hands back: a write goes to the issue the user named, and an id cannot
climb out of its path segment (`..`, `/`, `?`) into another endpoint."""

from __future__ import annotations

from urllib.parse import quote

import httpx
import pytest

from tests.test_bugsink_backend import (
    API,
    ISSUE_UUID,
    SITE,
    FakeBugsink,
    backend_for,
    issue,
    page,
    with_projects,
)
from tests.test_sentry_backend import Recorder, make_backend
from tests.test_sentry_backend import issue as sentry_issue
from tui.backends.bugsink import MAX_EVENT_PAGES
from tui.backends.errors import InvalidResponse, NotFound
from tui.backends.http import path_segment
from tui.backends.posthog import PostHogBackend
from tui.model import IssueQuery, StatusAction, StatusChange

RESOLVE = StatusChange(StatusAction.RESOLVE)

OTHER_UUID = "0b7c3f4e-1d1e-4a5b-9c3d-2e6f7a8b9c0d"


@pytest.mark.parametrize("hostile", ["../../projects/1", "x/resolve/?a=", "x#frag", OTHER_UUID])
async def test_bugsink_never_writes_to_an_issue_the_user_did_not_name(hostile: str) -> None:
    fake = with_projects(
        {f"GET /issues/{ISSUE_UUID}/": httpx.Response(200, json=issue(id=hostile))}
    )
    backend = backend_for(fake)
    with pytest.raises(InvalidResponse, match="asked about issue"):
        await backend.set_status(ISSUE_UUID, StatusAction.RESOLVE)
    assert fake.sent("POST") == []


@pytest.mark.parametrize("hostile", ["../../projects/1", "a?b=c", "a#b", "a/b"])
async def test_a_server_named_id_stays_one_path_segment(hostile: str) -> None:
    # Asked by its short id, the server may name any id: the write stays under issues/.
    resolved = httpx.Response(200, json=issue(id=hostile, is_resolved=True))
    fake = with_projects(
        {
            "GET /issues/PYAPP-1/": httpx.Response(200, json=issue(id=hostile)),
            f"POST /issues/{hostile}/resolve/": resolved,
        }
    )
    await backend_for(fake).set_status("PYAPP-1", StatusAction.RESOLVE)
    [posted] = [r.url for r in fake.requests if r.method == "POST"]
    assert posted.raw_path == f"/api/canonical/0/issues/{quote(hostile, safe='')}/resolve/".encode()


@pytest.mark.parametrize("unusable", ["", ".", "..", "\ud800" + "a" * 31])
def test_dot_segments_and_unencodable_ids_are_refused_as_ids(unusable: str) -> None:
    # A lone surrogate cannot be UTF-8 encoded, so quote() would raise UnicodeEncodeError.
    with pytest.raises(InvalidResponse):
        path_segment(unusable)


async def test_sentry_writes_only_to_the_issue_the_short_id_names() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if "/shortids/" in request.url.path:
            group = sentry_issue(77, shortId="OTHER-1")  # a lying server names another issue
            return httpx.Response(200, json={"groupId": "77", "group": group})
        return httpx.Response(200, json=sentry_issue(77, status="resolved"))

    recorder = Recorder(answer)
    backend, _ = make_backend(recorder)
    with pytest.raises(InvalidResponse, match="asked about issue BILLING-API-3F"):
        await backend.set_status("BILLING-API-3F", StatusAction.RESOLVE)
    assert [r.method for r in recorder.requests] == ["GET"]


async def test_a_bulk_change_is_never_sent_with_a_blank_id() -> None:
    # A short id answered with a blank id: `?id=` may read as "no ids", i.e. every issue.
    def answer(request: httpx.Request) -> httpx.Response:
        if "/shortids/" not in request.url.path:
            return httpx.Response(200, json={"status": "resolved"})
        short_id = request.url.path.rstrip("/").rsplit("/", 1)[-1]
        n = int(short_id.rsplit("-", 1)[-1])
        group = sentry_issue(n, id=" " if n == 1 else str(n))
        return httpx.Response(200, json={"groupId": group["id"], "group": group})

    recorder = Recorder(answer)
    backend, _ = make_backend(recorder)
    with pytest.raises(InvalidResponse, match="without an id"):
        await backend.bulk_apply(["BILLING-API-1", "BILLING-API-2"], RESOLVE)
    assert [r.method for r in recorder.requests if r.method != "GET"] == []


def endless_pages(request: httpx.Request) -> httpx.Response:
    """Every page empty and pointing at one more: a server that lies about having a next."""
    number = int(request.url.params.get("page", "1"))
    if number > 1000:
        raise AssertionError("still paging after 1,000 pages")
    return page([], f"{SITE}{API}{request.url.path.removeprefix(API)}?page={number + 1}")


async def test_bugsink_stops_paging_projects_that_never_end() -> None:
    backend = backend_for(FakeBugsink({"GET /projects/": endless_pages}), project="nope")
    with pytest.raises(NotFound):
        await backend.list_issues(IssueQuery())


async def test_bugsink_stops_paging_events_that_never_end() -> None:
    fake = FakeBugsink({"GET /events/": endless_pages})
    assert await backend_for(fake).list_events(ISSUE_UUID) == ()
    assert len(fake.requests) <= MAX_EVENT_PAGES


async def test_posthog_symbol_set_id_stays_one_path_segment() -> None:
    chunk = "chunk-1"
    seen: list[bytes] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.raw_path)
        if request.url.path.endswith("/error_tracking/symbol_sets/"):
            listed = [{"ref": chunk, "id": "../../../../x", "storage_ptr": "p"}]
            return httpx.Response(200, json={"results": listed})
        return httpx.Response(200, content=b"blob")

    backend = PostHogBackend.connect(
        "https://ph.example", "phx_test", "1", transport=httpx.MockTransport(answer)
    )
    assert await backend.fetch_symbol_set(chunk) == b"blob"
    assert seen[-1] == b"/api/projects/1/error_tracking/symbol_sets/..%2F..%2F..%2F..%2Fx/download/"
