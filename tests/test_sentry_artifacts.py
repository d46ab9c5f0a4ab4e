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
