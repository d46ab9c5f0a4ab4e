"""Symbol sets on the server: PostHog's listing and upload (against the in-memory PostHog, whose
routes follow PostHog's `symbol_sets.py`), Sentry's artifact bundles, and who cannot list them."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from tui.backends import posthog_symbol_sets, sentry_artifacts
from tui.backends.bugsink import CAPABILITIES as BUGSINK
from tui.backends.errors import AuthError
from tui.backends.posthog import PostHogBackend
from tui.backends.posthog_symbol_sets import UploadNotConfirmed
from tui.backends.posthog_symbols import parse_symbol_set
from tui.backends.sentry import SentryBackend
from tui.backends.sentry_triage import GLITCHTIP_CAPABILITIES, SENTRY_CAPABILITIES
from tui.demo.posthog_server import DEMO_POSTHOG_URL, DEMO_PROJECT, DemoPostHogServer
from tui.demo.posthog_symbol_store import FAILED_SETS
from tui.model import Feature, SymbolSetStatus

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
MINIFIED = b"function a(){throw new Error('x')}\n//# chunkId=c-new\n"
MAP = json.dumps({"version": 3, "sources": ["a.ts"], "names": [], "mappings": "AAAA"}).encode()


def serve(**options: Any) -> tuple[DemoPostHogServer, PostHogBackend]:
    server = DemoPostHogServer.from_package(now=NOW, **options)
    backend = PostHogBackend.connect(
        DEMO_POSTHOG_URL, "phx_test", DEMO_PROJECT, transport=server.transport()
    )
    return server, backend


async def test_posthog_lists_its_sets_with_the_failed_one_and_its_reason() -> None:
    _, backend = serve()
    listed = await backend.symbol_sets()
    by_status = {s.status: s for s in listed.sets}
    [failed_ref] = FAILED_SETS
    assert by_status[SymbolSetStatus.FAILED].ref == failed_ref
    assert by_status[SymbolSetStatus.FAILED].failure_reason.startswith("Invalid source map:")
    assert by_status[SymbolSetStatus.OK].created_at == NOW
    assert not listed.truncated


async def test_listing_follows_pages_and_stops_at_the_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server, backend = serve()
    for n in range(250):
        server.symbol_store.add(f"chunk-{n:03}", b"blob")
    listed = await backend.symbol_sets()
    assert len(listed.sets) == 252 and not listed.truncated
    pages = [r for r in server.requests if r.url.path.endswith("/symbol_sets/")]
    assert len(pages) == 3 and pages[1].headers["authorization"] == "Bearer phx_test"
    monkeypatch.setattr(posthog_symbol_sets, "MAX_LISTED", 120)
    cut = await backend.symbol_sets()
    assert len(cut.sets) == 120 and cut.truncated


async def test_upload_of_a_new_set_goes_through_storage_and_is_read_back() -> None:
    server, backend = serve()
    stored = await backend.upload_symbol_set("c-new", MINIFIED, MAP)
    assert stored.ref == "c-new" and stored.status is SymbolSetStatus.OK
    storage = [r for r in server.requests if r.url.host.startswith("storage.")]
    assert storage and "authorization" not in storage[0].headers  # presigned: no token
    started = server.bodies("/bulk_start_upload/")[0]["symbol_sets"][0]
    assert started["chunk_id"] == "c-new" and len(started["content_hash"]) == 128
    blob = await backend.fetch_symbol_set("c-new")
    assert blob is not None and parse_symbol_set(blob).source_map == MAP
    # The same content again: the server has it, nothing is sent to storage.
    before = len(server.requests)
    await backend.upload_symbol_set("c-new", MINIFIED, MAP)
    assert not [r for r in server.requests[before:] if r.url.host.startswith("storage.")]


async def test_replacing_the_failed_set_clears_its_failure() -> None:
    server, backend = serve()
    [failed_ref] = FAILED_SETS
    stored = await backend.upload_symbol_set(failed_ref, MINIFIED, MAP)
    assert stored.status is SymbolSetStatus.OK and stored.failure_reason == ""
    put = [r for r in server.requests if r.method == "PUT"]
    assert put and put[0].headers["content-type"].startswith("multipart/form-data")


async def test_an_upload_the_server_does_not_list_is_not_reported_as_done() -> None:
    finished: list[bool] = []

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/bulk_start_upload/"):
            slot = {"presigned_url": {"url": "https://s3.example/", "fields": {"key": "k"}},
                    "symbol_set_id": "0192f3a1-0000-7000-8000-000000000001"}  # fmt: skip
            return httpx.Response(201, json={"id_map": {"c-1": slot}})
        if request.url.host == "s3.example":
            return httpx.Response(204)
        if request.url.path.endswith("/bulk_finish_upload/"):
            finished.append(True)
            return httpx.Response(201, json={"success": True})
        row = {"id": "0192f3a1-0000-7000-8000-000000000001", "ref": "c-1", "storage_ptr": None,
               "failure_reason": "[bold]file_not_found[/]"}  # fmt: skip
        # Listed only once "finished": the storage never got the file.
        return httpx.Response(200, json={"next": None, "results": [row] if finished else []})

    transport = httpx.MockTransport(handle)
    backend = PostHogBackend.connect("https://ph.example", "phx_t", "1", transport=transport)
    with pytest.raises(UploadNotConfirmed, match=r"c-1 as stored: \[bold\]file_not_found"):
        await backend.upload_symbol_set("c-1", MINIFIED, MAP)


async def test_upload_without_the_write_scope_says_so() -> None:
    _, backend = serve(scopes={"query:read", "error_tracking:read"})
    with pytest.raises(AuthError, match="error_tracking:write"):
        await backend.upload_symbol_set("c-new", MINIFIED, MAP)


async def test_sentry_lists_artifact_bundles_across_pages() -> None:
    base = "https://sentry.example/api/0/projects/acme/web/files/artifact-bundles/"
    bundle = {"bundleId": "b1", "associations": [{"release": "web@1.9.0", "dist": None}]}
    first = [bundle | {"fileCount": 4, "date": "2026-11-20T10:00:00Z", "dateModified": None}]
    second = [{"bundleId": "b0", "associations": [], "fileCount": "x", "date": None}]

    def handle(request: httpx.Request) -> httpx.Response:
        assert str(request.url).startswith(base)
        if "cursor" in request.url.params:
            return httpx.Response(200, json=second)
        link = f'<{base}?cursor=0:1:0>; rel="next"; results="true"; cursor="0:1:0"'
        return httpx.Response(200, json=first, headers={"Link": link})

    backend = SentryBackend.connect(
        "https://sentry.example",
        "sntrys_x",
        "acme",
        ("web",),
        transport=httpx.MockTransport(handle),
    )
    listed = await backend.symbol_sets()
    assert [s.ref for s in listed.sets] == ["b1", "b0"]
    assert listed.sets[0].release == "web@1.9.0" and listed.sets[0].files == 4
    assert listed.sets[1].files is None and listed.sets[0].project == "web"


def posthog_answering(page: Any) -> tuple[PostHogBackend, list[httpx.Request]]:
    """PostHog whose symbol-set listing answers every page with `page(request)`."""
    server = DemoPostHogServer.from_package(now=NOW)
    asked: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        if not request.url.path.endswith("/symbol_sets/"):
            return server.transport().handle_request(request)
        asked.append(request)
        return httpx.Response(200, json=page(request))

    transport = httpx.MockTransport(handle)
    return PostHogBackend.connect(
        DEMO_POSTHOG_URL, "phx_test", DEMO_PROJECT, transport=transport
    ), asked


async def test_posthog_listing_stops_on_an_empty_page_or_a_repeated_next() -> None:
    row = {"id": "s1", "ref": "c-1", "storage_ptr": "p"}
    # An empty page that names the same page again as `next`: one more request at most.
    backend, asked = posthog_answering(lambda r: {"next": str(r.url), "results": []})
    listed = await backend.symbol_sets()
    assert listed.sets == () and listed.truncated and len(asked) == 1
    # Rows every time, but `next` names a page already read.
    backend, asked = posthog_answering(lambda r: {"next": str(r.url), "results": [row]})
    listed = await backend.symbol_sets()
    assert [s.ref for s in listed.sets] == ["c-1", "c-1"] and listed.truncated and len(asked) == 2


async def test_posthog_listing_stops_after_the_page_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(posthog_symbol_sets, "MAX_PAGES", 5)
    row = {"id": "s1", "ref": "c-1", "storage_ptr": "p"}

    def endless(request: httpx.Request) -> dict[str, Any]:
        following = int(request.url.params.get("page", "0")) + 1
        return {
            "next": f"{DEMO_POSTHOG_URL}/{posthog_symbol_sets.ROUTE}?page={following}",
            "results": [row],
        }

    backend, asked = posthog_answering(endless)
    listed = await backend.symbol_sets()
    assert len(asked) == 5 and len(listed.sets) == 5 and listed.truncated


async def test_sentry_bundle_listing_stops_after_the_page_cap(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sentry_artifacts, "MAX_PAGES", 5)
    asked: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        # Empty pages, each naming a new cursor: never a repeat, never a row.
        asked.append(request)
        cursor = f"0:{len(asked)}:0"
        link = f'<{request.url.copy_with(params={"cursor": cursor})}>; rel="next"; results="true"'
        return httpx.Response(200, json=[], headers={"Link": link})

    backend = SentryBackend.connect(
        "https://sentry.example",
        "sntrys_x",
        "acme",
        ("web", "api"),
        transport=httpx.MockTransport(handle),
    )
    listed = await backend.symbol_sets()
    assert listed.sets == () and listed.truncated
    assert len(asked) == 10  # five pages of each project


def test_capabilities_say_who_cannot_list_or_upload() -> None:
    assert "GlitchTip" in GLITCHTIP_CAPABILITIES.why_not(Feature.SYMBOL_SETS)
    assert "Bugsink" in BUGSINK.why_not(Feature.SYMBOL_SETS)
    assert SENTRY_CAPABILITIES.supports(Feature.SYMBOL_SETS)
    assert "sentry-cli" in SENTRY_CAPABILITIES.why_not(Feature.SYMBOL_UPLOAD)
