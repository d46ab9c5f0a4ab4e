"""Finding maps: local build directories, public URLs (MockTransport), and the Symbolicator."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import json
import shutil
from pathlib import Path

import httpx
import pytest

from tests.symbols.conftest import DEBUG_ID, FIXTURES, fixture_bytes
from tui.model import DebugImage, Event, ExceptionValue, Frame, Stacktrace
from tui.symbols import (
    FoundBy,
    LocalDirSource,
    LookupFailed,
    MapRequest,
    ServerSource,
    SymbolCache,
    Symbolicator,
    UrlSource,
    make_sources,
    needs_symbolication,
)

URL = "https://shop.example.com/assets/app-4f2a9c1b.min.js"
STACK = json.loads((FIXTURES / "expected" / "esbuild-stack.json").read_text())["frames"]


def _frames(abs_path: str = URL, **extra: str) -> tuple[Frame, ...]:
    return tuple(
        Frame(
            abs_path=abs_path, function=f["function"], lineno=f["lineno"], colno=f["colno"], **extra
        )
        for f in STACK
    )


def _event(frames: tuple[Frame, ...], **extra: object) -> Event:
    exc = ExceptionValue(type="RangeError", value="negative price", stacktrace=Stacktrace(frames))
    return Event(id="e1", platform="javascript", exceptions=(exc,), **extra)


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    """A build directory as a bundler leaves it: hashed name, map beside it."""
    root = tmp_path / "web" / "out"
    (root / "assets").mkdir(parents=True)
    code = fixture_bytes("esbuild/app.min.js").replace(
        b"app.min.js.map", b"app-4f2a9c1b.min.js.map"
    )
    (root / "assets" / "app-4f2a9c1b.min.js").write_bytes(code)
    shutil.copy(
        FIXTURES / "esbuild" / "app.min.js.map", root / "assets" / "app-4f2a9c1b.min.js.map"
    )
    (root / "assets" / "other.js").write_text("console.log(1)\n")
    return root


async def test_local_dir_matches_by_url_suffix(dist: Path) -> None:
    found = await LocalDirSource(dist).find(MapRequest(URL))
    assert found is not None and found.how is FoundBy.URL_SUFFIX
    assert found.location.endswith("assets/app-4f2a9c1b.min.js.map")
    assert found.minified is not None and found.minified.startswith(b"(()=>{")


async def test_local_dir_matches_by_debug_id_comment_even_under_another_name(dist: Path) -> None:
    request = MapRequest("https://elsewhere.example/renamed.js", debug_id=DEBUG_ID.upper())
    found = await LocalDirSource(dist).find(request)
    assert found is not None and found.how is FoundBy.DEBUG_ID


async def test_local_dir_matches_a_lone_map_by_its_debug_id(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "esbuild" / "app.min.js.map", tmp_path / "x.map")
    found = await LocalDirSource(tmp_path).find(MapRequest("https://a/b.js", debug_id=DEBUG_ID))
    assert found is not None and found.how is FoundBy.DEBUG_ID and found.minified is None


async def test_local_dir_matches_by_chunk_id(tmp_path: Path) -> None:
    code = fixture_bytes("terser/app.terser.js") + b"\n//# chunkId=0193-chunk\n"
    (tmp_path / "chunk.js").write_bytes(code)
    shutil.copy(FIXTURES / "terser" / "app.terser.js.map", tmp_path / "app.terser.js.map")
    found = await LocalDirSource(tmp_path).find(MapRequest("https://x/y.js", chunk_id="0193-chunk"))
    assert found is not None and found.how is FoundBy.CHUNK_ID


async def test_local_dir_inline_data_url(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "inline" / "app.inline.js", tmp_path / "app.inline.js")
    found = await LocalDirSource(tmp_path).find(MapRequest("http://h/app.inline.js"))
    assert found is not None and found.location.startswith("<inline in ")
    assert json.loads(found.map_bytes)["version"] == 3


async def test_local_dir_script_without_a_map_says_so(dist: Path) -> None:
    with pytest.raises(LookupFailed, match="has no map"):
        await LocalDirSource(dist).find(MapRequest("https://shop.example.com/assets/other.js"))
    assert await LocalDirSource(dist).find(MapRequest("https://x/none.js")) is None


class _Server:
    """A MockTransport handler that records requests."""

    def __init__(self, routes: dict[str, httpx.Response]) -> None:
        self.routes = routes
        self.seen: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(str(request.url))
        return self.routes.get(str(request.url), httpx.Response(404))


def _client(server: _Server) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.MockTransport(server))


async def test_url_source_uses_the_last_source_mapping_url_comment() -> None:
    code = b"//# sourceMappingURL=wrong.map\n" + fixture_bytes("esbuild/app.min.js")
    code += b"\n//# sourceMappingURL=maps/app.js.map?v=2#frag\n"
    server = _Server(
        {
            URL: httpx.Response(200, content=code),
            "https://shop.example.com/assets/maps/app.js.map": httpx.Response(200, content=b"{}"),
        }
    )
    async with _client(server) as client:
        found = await UrlSource(client, ["example.com"]).find(MapRequest(URL))
    assert found is not None and found.how is FoundBy.SOURCE_MAPPING_URL
    assert found.location == "https://shop.example.com/assets/maps/app.js.map"


async def test_url_source_prefers_the_sourcemap_header() -> None:
    server = _Server(
        {
            URL: httpx.Response(
                200,
                content=fixture_bytes("esbuild/app.min.js"),
                headers={"SourceMap": "/maps/header.map"},
            ),
            "https://shop.example.com/maps/header.map": httpx.Response(200, content=b"{}"),
        }
    )
    async with _client(server) as client:
        found = await UrlSource(client, ["shop.example.com"]).find(MapRequest(URL))
    assert found is not None and found.how is FoundBy.SOURCEMAP_HEADER
    assert found.location == "https://shop.example.com/maps/header.map"


async def test_url_source_refuses_hosts_outside_the_allow_list() -> None:
    server = _Server({})
    async with _client(server) as client:
        with pytest.raises(LookupFailed, match="shop.example.com is not an allowed host"):
            await UrlSource(client, ["cdn.example.org"]).find(MapRequest(URL))
        assert await UrlSource(client, ["*"]).find(MapRequest("file:///etc/passwd")) is None
    assert server.seen == []


async def test_url_source_refuses_a_map_on_another_host() -> None:
    code = b"x()\n//# sourceMappingURL=https://evil.example.net/a.map\n"
    server = _Server({URL: httpx.Response(200, content=code)})
    async with _client(server) as client:
        with pytest.raises(LookupFailed, match="evil.example.net"):
            await UrlSource(client, ["example.com"]).find(MapRequest(URL))
    assert server.seen == [URL]


async def test_url_source_enforces_the_size_limit() -> None:
    server = _Server({URL: httpx.Response(200, content=b"x" * 5000)})
    async with _client(server) as client:
        with pytest.raises(LookupFailed, match="larger than 1000 bytes"):
            await UrlSource(client, ["example.com"], max_bytes=1000).find(MapRequest(URL))


async def test_url_source_reports_http_errors() -> None:
    async with _client(_Server({})) as client:
        with pytest.raises(LookupFailed, match="HTTP 404"):
            await UrlSource(client, ["example.com"]).find(MapRequest(URL))


async def test_symbolicator_resolves_from_a_local_dir_and_records_provenance(
    dist: Path, cache: SymbolCache
) -> None:
    result = await Symbolicator(cache, [LocalDirSource(dist)]).symbolicate(_event(_frames()))
    assert result.resolved_count == len(STACK)
    top = result.get(0, len(STACK) - 1)
    assert top.frame.function == "validatePrice" and top.frame.lineno == 12
    assert top.provenance.how is FoundBy.URL_SUFFIX and not top.provenance.cached
    assert top.provenance.source == f"local {dist}"
    applied = result.apply(_event(_frames()))
    assert applied.exceptions[0].raw_stacktrace.frames == _frames()
    shown = applied.exceptions[0].stacktrace.frames[-1]
    assert dataclasses.replace(shown, provenance="") == top.frame
    assert shown.provenance == top.describe() and "by url suffix" in shown.provenance


async def test_provenance_names_the_map_inside_its_folder_and_home_as_tilde(
    dist: Path, cache: SymbolCache
) -> None:
    in_home = Path.home() / "web"
    shutil.copytree(dist, in_home)
    result = await Symbolicator(cache, [LocalDirSource(in_home)]).symbolicate(_event(_frames()))
    described = result.get(0, 0).describe()
    assert described.startswith("assets/app-4f2a9c1b.min.js.map (by url suffix, from local ~/web)")
    again = await Symbolicator(cache, [LocalDirSource(in_home)]).symbolicate(_event(_frames()))
    assert again.get(0, 0).provenance.map_location == "assets/app-4f2a9c1b.min.js.map"
    gone = dataclasses.replace(_frames()[0], abs_path="https://x/gone.js")
    missing = await Symbolicator(cache, [LocalDirSource(Path.home() / "none")]).resolve(gone)
    assert "(local ~/none: ~/none is not a directory)" in missing.failure
    assert str(Path.home()) not in described + missing.failure


async def test_unresolved_frames_carry_the_reason_and_stay_minified(cache: SymbolCache) -> None:
    result = await Symbolicator(cache, []).symbolicate(_event(_frames()))
    applied = result.apply(_event(_frames()))
    [exc] = applied.exceptions
    assert exc.raw_stacktrace is None  # nothing resolved: nothing to toggle to
    assert all(f.resolve_failure.startswith("no source map found") for f in exc.stacktrace.frames)


async def test_symbolicator_uses_debug_images_then_the_cache_in_a_new_instance(
    dist: Path, cache: SymbolCache
) -> None:
    images = (DebugImage(type="sourcemap", code_file="https://cdn.x/v1/app.js", debug_id=DEBUG_ID),)
    event = _event(_frames("https://cdn.x/v1/app.js"), debug_images=images)
    first = await Symbolicator(cache, [LocalDirSource(dist)]).symbolicate(event)
    assert first.get(0, 0).provenance.how is FoundBy.DEBUG_ID
    again = await Symbolicator(SymbolCache(cache.directory), []).symbolicate(event)
    hit = again.get(0, 0)
    assert hit.provenance.cached and hit.provenance.how is FoundBy.DEBUG_ID
    assert hit.frame == first.get(0, 0).frame


async def test_symbolicator_fetches_public_urls_and_caches_by_url(cache: SymbolCache) -> None:
    map_b64 = base64.b64encode(fixture_bytes("esbuild/app.min.js.map")).decode()
    code = fixture_bytes("esbuild/app.min.js").split(b"//#")[0]
    code += f"//# sourceMappingURL=data:application/json;base64,{map_b64}\n".encode()
    server = _Server({URL: httpx.Response(200, content=code)})
    async with _client(server) as client:
        sources = [UrlSource(client, ["example.com"])]
        first = await Symbolicator(cache, sources).symbolicate(_event(_frames()))
        second = await Symbolicator(cache, sources).symbolicate(_event(_frames()))
    assert server.seen == [URL], "one fetch for seven frames, none for the second event"
    assert first.get(0, 0).provenance.map_location == f"<inline in {URL}>"
    assert second.get(0, 0).provenance.cached
    assert second.get(0, len(STACK) - 1).frame.function == "validatePrice"


async def test_symbolicator_failure_reasons(dist: Path, cache: SymbolCache) -> None:
    async with _client(_Server({})) as client:
        sources = [LocalDirSource(dist), UrlSource(client, ["cdn.example.org"])]
        result = await Symbolicator(cache, sources).symbolicate(
            _event(_frames("https://x.io/a.js"))
        )
    reason = result.get(0, 0).failure
    assert reason.startswith("no source map found for url https://x.io/a.js")
    assert f"local {dist}: no match" in reason and "x.io is not an allowed host" in reason
    empty = await Symbolicator(cache, []).symbolicate(_event(_frames("https://x.io/a.js")))
    assert "no symbol sources configured" in empty.get(0, 0).failure


async def test_symbolicator_reports_corrupt_maps_and_unmapped_positions(
    dist: Path, cache: SymbolCache
) -> None:
    frames = (Frame(abs_path=URL, lineno=40, colno=1, function="x"),)
    result = await Symbolicator(cache, [LocalDirSource(dist)]).symbolicate(_event(frames))
    assert result.get(0, 0).failure == "position 40:1 is not mapped"
    assert result.get(0, 0).provenance is not None
    (dist / "assets" / "app-4f2a9c1b.min.js.map").write_text('{"version": 3, "mappings": "!"}')
    other = SymbolCache(cache.directory.parent / "other")
    bad = await Symbolicator(other, [LocalDirSource(dist)]).symbolicate(_event(_frames()))
    assert bad.get(0, 0).failure.startswith("corrupt source map ")
    assert "invalid base64 VLQ character '!'" in bad.get(0, 0).failure


async def test_frames_resolved_by_the_server_and_native_frames_are_left_alone(
    cache: SymbolCache,
) -> None:
    frames = _frames()
    done = ExceptionValue(
        type="E", stacktrace=Stacktrace(frames), raw_stacktrace=Stacktrace(frames)
    )
    native = Frame(abs_path="[native code]", lineno=1, function="Array.map")
    builtin = Frame(abs_path="node:internal/process/task_queues", lineno=95, colno=5)
    posthog_resolved = Frame(abs_path="src/lib/cart.ts", lineno=14, colno=22, function="n")
    todo = ExceptionValue(
        type="E", stacktrace=Stacktrace((native, builtin, Frame(function="x"), posthog_resolved))
    )
    event = Event(id="e", exceptions=(done, todo))
    result = await Symbolicator(cache, []).symbolicate(event)
    assert result.skipped == {0: "already resolved by the server"}
    assert result.frames == {}
    assert result.apply(event) == event


async def test_server_source_plugs_in_by_debug_id(cache: SymbolCache) -> None:
    asked: list[MapRequest] = []

    async def fetch(request: MapRequest) -> bytes | None:
        asked.append(request)
        return fixture_bytes("esbuild/app.min.js.map")

    images = (DebugImage(type="sourcemap", code_file=URL, debug_id=DEBUG_ID),)
    event = _event(_frames(), debug_images=images)
    result = await Symbolicator(cache, [ServerSource("sentry artifacts", fetch)]).symbolicate(event)
    assert len(asked) == 1 and asked[0].debug_id == DEBUG_ID
    top = result.get(0, len(STACK) - 1)
    assert top.provenance.source == "sentry artifacts" and top.frame.lineno == 12
    # No minified file from the server: the engine's own name is kept, honestly.
    assert top.frame.function == "i"


async def test_a_failing_source_is_reported_and_the_next_one_still_asked(
    dist: Path, cache: SymbolCache
) -> None:
    async def broken(request: MapRequest) -> bytes | None:
        raise ConnectionError("artifact store down")

    images = (DebugImage(type="sourcemap", code_file=URL, debug_id="0" * 32),)
    sources = [ServerSource("sentry artifacts", broken), LocalDirSource(dist)]
    result = await Symbolicator(cache, sources).symbolicate(_event(_frames(), debug_images=images))
    assert result.get(0, 0).resolved
    assert result.get(0, 0).provenance.how is FoundBy.URL_SUFFIX
    other = "https://other.example/x.js"
    images = (DebugImage(type="sourcemap", code_file=other, debug_id="1" * 32),)
    failing = await Symbolicator(cache, sources[:1]).symbolicate(
        _event(_frames(other), debug_images=images)
    )
    assert "sentry artifacts: ConnectionError: artifact store down" in failing.get(0, 0).failure


async def test_make_sources_orders_local_server_then_urls(tmp_path: Path) -> None:
    async def fetch(request: MapRequest) -> bytes | None:
        return None

    server = ServerSource("sentry artifacts", fetch)
    async with _client(_Server({})) as client:
        sources = make_sources([tmp_path], server=[server], fetch_urls=True, client=client)
        assert [type(s).__name__ for s in sources] == [
            "LocalDirSource",
            "ServerSource",
            "UrlSource",
        ]
        assert sources[2].allows("https://any.example.org/a.js")
        only = make_sources([], fetch_urls=True, url_hosts=["cdn.example.com"], client=client)
        assert not only[0].allows("https://evil.example.org/a.js")
        assert (
            make_sources([tmp_path], fetch_urls=False, client=client)[-1].name
            == f"local {tmp_path}"
        )


async def test_url_source_follows_redirects_only_to_allowed_hosts() -> None:
    moved = "https://cdn.example.com/v2/app.js"
    server = _Server(
        {
            URL: httpx.Response(302, headers={"Location": moved}),
            moved: httpx.Response(200, content=b"x()\n//# sourceMappingURL=app.js.map\n"),
            "https://cdn.example.com/v2/app.js.map": httpx.Response(200, content=b"{}"),
        }
    )
    async with _client(server) as client:
        found = await UrlSource(client, ["example.com"]).find(MapRequest(URL))
        assert found is not None and found.location == "https://cdn.example.com/v2/app.js.map"
        with pytest.raises(LookupFailed, match="cdn.example.com is not an allowed host"):
            await UrlSource(client, ["shop.example.com"]).find(MapRequest(URL))


async def test_frames_of_other_languages_are_left_alone(cache: SymbolCache) -> None:
    python = Frame(abs_path="/srv/app/billing.py", filename="billing.py", lineno=24, in_app=True)
    event = Event(
        id="e2",
        platform="python",
        exceptions=(ExceptionValue(type="ValueError", stacktrace=Stacktrace((python,))),),
    )
    result = await Symbolicator(cache, []).symbolicate(event)
    assert result.frames == {}
    assert result.apply(event) == event
    # A `.js` file is still JavaScript inside an event of another platform (a Python app's
    # frontend error forwarded by its backend, say).
    assert needs_symbolication(_frames()[0], "python")


def _resolver(table: dict[str, list[str]]):
    async def resolve(host: str, port: int) -> list[str]:
        if host not in table:
            raise OSError("name does not resolve")
        return table[host]

    return resolve


@pytest.mark.parametrize(
    "addresses",
    [
        ["127.0.0.1"],
        ["10.1.2.3"],
        ["192.168.0.10"],
        ["169.254.169.254"],  # cloud metadata
        ["::1"],
        ["fe80::1%eth0"],
        ["fd00::5"],
        ["::ffff:127.0.0.1"],
        ["93.184.215.14", "127.0.0.1"],  # one bad address is enough
        [],
    ],
)
async def test_any_host_means_any_public_host(addresses: list[str]) -> None:
    server = _Server({URL: httpx.Response(200, content=b"x()")})
    resolve = _resolver({"shop.example.com": addresses})
    async with _client(server) as client:
        with pytest.raises(LookupFailed, match="not a public address"):
            await UrlSource(client, ["*"], resolve=resolve).find(MapRequest(URL))
    assert server.seen == []


async def test_a_redirect_to_a_private_address_is_refused_at_that_hop() -> None:
    inside = "http://metadata.internal/latest/"
    server = _Server({URL: httpx.Response(302, headers={"Location": inside})})
    resolve = _resolver({"shop.example.com": ["93.184.215.14"], "metadata.internal": ["10.0.0.1"]})
    async with _client(server) as client:
        with pytest.raises(LookupFailed, match="metadata.internal is not a public address"):
            await UrlSource(client, ["*"], resolve=resolve).find(MapRequest(URL))
    assert server.seen == [URL]


async def test_public_hosts_and_hosts_the_user_named_are_fetched() -> None:
    code = b"x()\n//# sourceMappingURL=app.js.map\n"
    map_url = URL.rsplit("/", 1)[0] + "/app.js.map"
    server = _Server({URL: httpx.Response(200, content=code), map_url: httpx.Response(200)})
    public = _resolver({"shop.example.com": ["93.184.215.14", "2606:2800:21f:cb07::1"]})
    never = _resolver({})
    async with _client(server) as client:
        assert await UrlSource(client, ["*"], resolve=public).find(MapRequest(URL))
        # Named explicitly (an internal CDN, say): no address check at all.
        assert await UrlSource(client, ["example.com"], resolve=never).find(MapRequest(URL))


async def test_distinct_maps_are_fetched_four_at_a_time_with_the_same_results(
    cache: SymbolCache, tmp_path: Path
) -> None:
    bundles = [f"https://shop.example.com/assets/chunk-{n}.min.js" for n in range(6)]
    started: list[str] = []
    in_flight = 0
    most = 0
    four_started = asyncio.Event()

    async def fetch(request: MapRequest) -> bytes | None:
        nonlocal in_flight, most
        started.append(request.abs_path)
        in_flight += 1
        most = max(most, in_flight)
        if len(started) >= 4:
            four_started.set()
        # One after another, the first would wait here for ever (so: time out).
        await asyncio.wait_for(four_started.wait(), timeout=10)
        in_flight -= 1
        return fixture_bytes("esbuild/app.min.js.map")

    frames = tuple(f for url in bundles for f in _frames(url))
    images = tuple(
        DebugImage(type="sourcemap", code_file=url, debug_id=f"{n:032x}")
        for n, url in enumerate(bundles)
    )
    event = _event(frames, debug_images=images)
    result = await Symbolicator(cache, [ServerSource("server", fetch)]).symbolicate(event)
    assert most == 4
    assert sorted(started) == sorted(bundles)  # each distinct map asked for once

    one_by_one = Symbolicator(SymbolCache(tmp_path / "other"), [ServerSource("server", fetch)])
    for index, frame in enumerate(frames):
        alone = await one_by_one.resolve(frame, {i.code_file: i.debug_id for i in images})
        assert result.get(0, index).frame == alone.frame
        assert result.get(0, index).describe() == alone.describe()
