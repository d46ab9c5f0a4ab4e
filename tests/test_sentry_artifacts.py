"""Source maps fetched from a Sentry server by debug id (artifact bundles), used locally."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import httpx
import pytest

from tui.backends.sentry import SentryBackend
from tui.backends.sentry_parse import parse_event
from tui.demo.server import DemoSentryServer
from tui.model import Event
from tui.symbols import SymbolCache, Symbolicator

SYMBOLS = Path(__file__).parents[1] / "tui" / "demo" / "data" / "symbols"
BUNDLE_JS = next(SYMBOLS.glob("*.js"))
MAP = BUNDLE_JS.with_name(BUNDLE_JS.name + ".map")
DEBUG_ID = json.loads(MAP.read_text())["debug_id"]


def artifact_bundle(debug_id: str) -> bytes:
    """A bundle as sentry-cli uploads it: files plus a manifest naming their debug ids."""
    manifest = {
        "files": {
            "files/_/_/index.js": {
                "url": "~/assets/" + BUNDLE_JS.name,
                "type": "minified_source",
                "headers": {"debug-id": debug_id, "Sourcemap": MAP.name},
            },
            "files/_/_/index.js.map": {
                "url": "~/assets/" + MAP.name,
                "type": "source_map",
                "headers": {"Debug-Id": debug_id.upper()},
            },
        }
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        bundle.writestr("manifest.json", json.dumps(manifest))
        bundle.writestr("files/_/_/index.js", BUNDLE_JS.read_bytes())
        bundle.writestr("files/_/_/index.js.map", MAP.read_bytes())
    return buffer.getvalue()


def js_event() -> Event:
    demo = DemoSentryServer.from_package()
    issue = next(i for i in demo.issues.values() if i["shortId"] == "SHOP-WEB-1")
    return parse_event(demo.events[issue["id"]][-1], issue["id"])


def server(requests: list[httpx.Request], *, lookup_status: int = 200) -> httpx.MockTransport:
    # The event names its project by id; the lookup must be made in that project.
    lookup = f"/api/0/projects/acme/{js_event().project}/artifact-lookup/"

    def handle(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        if request.url.path == lookup and "download" in request.url.params:
            return httpx.Response(200, content=artifact_bundle(DEBUG_ID))
        if request.url.path == lookup:
            if lookup_status != 200:
                return httpx.Response(lookup_status, json={"detail": "no access"})
            found = request.url.params["debug_id"] == DEBUG_ID
            download = f"https://sentry.example.com{lookup}?download=artifact_bundle/7"
            return httpx.Response(
                200, json=[{"id": "artifact_bundle/7", "type": "bundle", "url": download}] * found
            )
        return httpx.Response(404)

    return httpx.MockTransport(handle)


async def test_frames_resolve_through_an_artifact_bundle(tmp_path: Path) -> None:
    requests: list[httpx.Request] = []
    backend = SentryBackend.connect(
        "https://sentry.example.com",
        "sntrys-SECRET-42",
        "acme",
        ("shop-web",),
        transport=server(requests),
    )
    symbolicator = Symbolicator(SymbolCache(tmp_path), [backend.symbol_source()])
    event = js_event()
    result = await symbolicator.symbolicate(event)
    crashed = result.get(0, len(event.exceptions[0].stacktrace.frames) - 1)
    assert crashed is not None and crashed.frame is not None, crashed
    assert crashed.frame.filename.endswith("src/lib/cart.js")
    assert crashed.frame.function == "lineTotal"
    assert crashed.provenance is not None and "sentry artifacts" in crashed.provenance.source
    lookups = [r for r in requests if "download" not in r.url.params]
    assert lookups[0].url.params["debug_id"] == DEBUG_ID
    assert lookups[0].headers["Authorization"] == "Bearer sntrys-SECRET-42"
    # The bundle is downloaded once, however many frames point into it.
    assert sum("download" in r.url.params for r in requests) == 1
    await backend.aclose()


async def test_a_refused_lookup_becomes_the_frames_reason(tmp_path: Path) -> None:
    requests: list[httpx.Request] = []
    backend = SentryBackend.connect(
        "https://sentry.example.com",
        "sntrys-SECRET-42",
        "acme",
        ("shop-web",),
        transport=server(requests, lookup_status=403),
    )
    symbolicator = Symbolicator(SymbolCache(tmp_path), [backend.symbol_source()])
    event = js_event()
    result = await symbolicator.symbolicate(event)
    crashed = result.get(0, len(event.exceptions[0].stacktrace.frames) - 1)
    assert crashed is not None and crashed.frame is None
    assert "permission denied (403)" in crashed.failure and "SECRET-42" not in crashed.failure
    await backend.aclose()


def test_a_corrupt_bundle_is_reported() -> None:
    from tui.backends.sentry_artifacts import bundle_map
    from tui.symbols import LookupFailed

    with pytest.raises(LookupFailed, match="not a readable artifact bundle"):
        bundle_map(b"PK\x03\x04 nope", DEBUG_ID, "sentry artifacts")
    assert (
        bundle_map(artifact_bundle("00000000-0000-0000-0000-000000000000"), DEBUG_ID, "x") is None
    )


def artifact_source(handle, requests: list[httpx.Request]):
    def recorded(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return handle(request)

    backend = SentryBackend.connect(
        "https://sentry.example.com",
        "sntrys-SECRET-42",
        "acme",
        ("shop-web",),
        transport=httpx.MockTransport(recorded),
    )
    return backend.symbol_source()


def lookup_then(download: httpx.Response, url: str = "https://sentry.example.com/dl/7"):
    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/artifact-lookup/"):
            return httpx.Response(200, json=[{"id": "7", "type": "bundle", "url": url}])
        return download

    return handle


def request_for_debug_id():
    from tui.symbols import MapRequest

    return MapRequest("https://shop.example.com/app.js", debug_id=DEBUG_ID, project="shop-web")


async def test_an_artifact_url_on_another_host_is_not_fetched() -> None:
    from tui.symbols import LookupFailed

    requests: list[httpx.Request] = []
    handle = lookup_then(httpx.Response(200), url="https://evil.example/dl/7")
    with pytest.raises(LookupFailed, match="refused") as caught:
        await artifact_source(handle, requests).find(request_for_debug_id())
    assert [r.url.host for r in requests] == ["sentry.example.com"]
    assert "SECRET" not in str(caught.value)


class LongBody(httpx.AsyncByteStream):
    """A 4 MiB body in 64 KiB chunks; counts how many were read."""

    def __init__(self) -> None:
        self.chunks = 0

    async def __aiter__(self):
        for _ in range(64):
            self.chunks += 1
            yield b"\0" * 65536


async def test_an_oversized_download_is_abandoned_while_it_streams(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tui.backends import sentry_artifacts
    from tui.symbols import LookupFailed

    monkeypatch.setattr(sentry_artifacts, "MAX_ARCHIVE_BYTES", 1024 * 1024)
    body = LongBody()
    handle = lookup_then(httpx.Response(200, stream=body))
    with pytest.raises(LookupFailed, match="larger than 1048576 bytes"):
        await artifact_source(handle, []).find(request_for_debug_id())
    assert body.chunks <= 17  # 16 chunks fill the limit; one more crosses it


async def test_a_gzip_bomb_is_counted_after_decompression(monkeypatch: pytest.MonkeyPatch) -> None:
    import gzip

    from tui.backends import sentry_artifacts
    from tui.symbols import LookupFailed

    monkeypatch.setattr(sentry_artifacts, "MAX_ARCHIVE_BYTES", 1024 * 1024)
    bomb = gzip.compress(b"\0" * (8 * 1024 * 1024))
    assert len(bomb) < 1024 * 1024
    handle = lookup_then(httpx.Response(200, content=bomb, headers={"Content-Encoding": "gzip"}))
    with pytest.raises(LookupFailed, match="larger than"):
        await artifact_source(handle, []).find(request_for_debug_id())


def test_a_zip_bomb_entry_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from tui.backends import sentry_artifacts
    from tui.symbols import LookupFailed

    monkeypatch.setattr(sentry_artifacts, "MAX_ENTRY_BYTES", 1024 * 1024)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr(
            "manifest.json",
            zipfile.ZipFile(io.BytesIO(artifact_bundle(DEBUG_ID))).read("manifest.json"),
        )
        bundle.writestr("files/_/_/index.js", b"x")
        bundle.writestr("files/_/_/index.js.map", b"\0" * (8 * 1024 * 1024))
    assert len(archive.getvalue()) < 1024 * 1024
    with pytest.raises(LookupFailed, match="index.js.map in the bundle is over 1048576 bytes"):
        sentry_artifacts.bundle_map(archive.getvalue(), DEBUG_ID, "sentry artifacts")


async def test_the_events_project_stays_one_segment_of_the_lookup_path() -> None:
    from tui.symbols import MapRequest

    requests: list[httpx.Request] = []
    climbing = MapRequest("https://shop.example.com/app.js", debug_id=DEBUG_ID, project="../../x")
    nothing = artifact_source(lambda request: httpx.Response(200, json=[]), requests)
    assert await nothing.find(climbing) is None
    assert [r.url.raw_path.split(b"?")[0] for r in requests] == [
        b"/api/0/projects/acme/..%2F..%2Fx/artifact-lookup/"
    ]
