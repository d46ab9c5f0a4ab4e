"""Missing maps: remembered beside the cache with the frames and every place looked, cleared
when the map turns up (found by the symbolicator or added with `symbols add`)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from tests.symbols.conftest import FIXTURES, fixture_bytes
from tests.symbols.test_sources import URL, _event, _frames
from tui.model import Frame
from tui.symbols import LocalDirSource, LookupFailed, MapRequest, SymbolCache, Symbolicator
from tui.symbols.cache import CacheKey
from tui.symbols.missing import (
    MAX_FRAMES,
    MAX_MAPS,
    MAX_TEXT,
    Attempt,
    MissingMaps,
    Need,
    NeedingFrame,
)


class _Refusing:
    """A server source that answers like PostHog refusing a download."""

    name = "posthog project 2"

    async def find(self, request: MapRequest) -> None:
        raise LookupFailed(f"cannot download symbol set {request.chunk_id}: 403 forbidden")


class _Empty:
    name = "sentry artifacts"

    async def find(self, request: MapRequest) -> None:
        return None


async def test_a_map_not_found_is_remembered_with_frames_and_each_place_looked(
    tmp_path: Path, cache: SymbolCache
) -> None:
    empty_dir = tmp_path / "dist"
    empty_dir.mkdir()
    sources = [LocalDirSource(empty_dir, name="local dist"), _Refusing(), _Empty()]
    frames = _frames(chunk_id="abc7d1e9")
    symbolicator = Symbolicator(cache, sources, profile="shop")
    await symbolicator.symbolicate(_event(frames), issue="SHOP-1")
    [entry] = cache.missing.entries("shop")
    assert entry.key == "chunk_id:abc7d1e9"
    assert entry.keys == ("chunk_id:abc7d1e9", "url:~/assets/app-4f2a9c1b.min.js")
    assert [a.kind for a in entry.looked] == ["cache miss", "not found", "failed", "not found"]
    assert entry.looked[2] == Attempt(
        "posthog project 2", "failed", "cannot download symbol set abc7d1e9: 403 forbidden"
    )
    assert {f.issue for f in entry.frames} == {"SHOP-1"} and {f.event for f in entry.frames} == {
        "e1"
    }
    top = frames[-1]
    assert NeedingFrame(f"{URL}:{top.lineno}:{top.colno}", top.function, "SHOP-1", "e1") in (
        entry.frames
    )
    assert cache.missing.entries("another profile") == []
    assert os.stat(cache.missing.path).st_mode & 0o777 == 0o600


async def test_needed_again_keeps_first_time_and_moves_last(tmp_path: Path) -> None:
    times = iter([100.0, 200.0])
    missing = MissingMaps(tmp_path / "symbols", clock=lambda: next(times))
    need = Need(("url:x.io/a.js",), (NeedingFrame("https://x.io/a.js:1:2"),), ())
    missing.record("p", [need])
    missing.record("p", [need])
    [entry] = missing.entries()
    assert (entry.first_needed, entry.last_needed) == (100.0, 200.0)
    assert len(entry.frames) == 1  # the same frame of the same event once


async def test_a_map_found_later_clears_it(tmp_path: Path, cache: SymbolCache) -> None:
    await Symbolicator(cache, [], profile="shop").symbolicate(_event(_frames()))
    assert len(cache.missing.entries()) == 1
    root = tmp_path / "web"
    (root / "assets").mkdir(parents=True)
    code = fixture_bytes("esbuild/app.min.js").replace(
        b"app.min.js.map", b"app-4f2a9c1b.min.js.map"
    )
    (root / "assets" / "app-4f2a9c1b.min.js").write_bytes(code)
    shutil.copy(FIXTURES / "esbuild/app.min.js.map", root / "assets/app-4f2a9c1b.min.js.map")
    result = await Symbolicator(cache, [LocalDirSource(root)], profile="shop").symbolicate(
        _event(_frames())
    )
    assert result.resolved_count
    assert cache.missing.entries() == []


def test_symbols_add_under_a_key_clears_it(cache: SymbolCache) -> None:
    cache.missing.record("p", [Need(("chunk_id:ABC",), (), ())])
    cache.add(fixture_bytes("esbuild/app.min.js.map"), keys=[CacheKey("chunk_id", "abc")])
    assert cache.missing.entries() == []


def test_the_file_is_capped(tmp_path: Path) -> None:
    clock = iter(range(10_000))
    missing = MissingMaps(tmp_path, clock=lambda: float(next(clock)))
    frames = tuple(NeedingFrame(f"https://x.io/a.js:{n}:1", event="e") for n in range(50))
    missing.record("p", [Need(("url:x.io/a.js",), frames, ())])
    missing.record("p", [Need((f"url:x.io/{n}.js",), (), ()) for n in range(MAX_MAPS + 20)])
    entries = missing.entries()
    assert len(entries) == MAX_MAPS
    assert "url:x.io/a.js" not in {e.key for e in entries}  # the least recently needed went
    missing.record("p", [Need(("url:" + "x" * 5000,), frames, ())])
    newest = missing.entries()[0]
    assert len(newest.key) == MAX_TEXT and len(newest.frames) == MAX_FRAMES
    assert newest.frames[-1].location == "https://x.io/a.js:49:1"


def test_a_symlinked_file_or_a_corrupt_one_is_not_read(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.json"
    record = {"key": "url:a", "profile": "p", "keys": ["url:a"], "frames": [], "looked": []}
    record |= {"first": 1, "last": 1}
    elsewhere.write_text(json.dumps({"version": 1, "maps": {"p\nurl:a": record}}))
    directory = tmp_path / "symbols"
    directory.mkdir()
    (directory / "missing.json").symlink_to(elsewhere)
    assert MissingMaps(directory).entries() == []
    (directory / "missing.json").unlink()
    (directory / "missing.json").write_text("{not json")
    assert MissingMaps(directory).entries() == []
    (directory / "missing.json").write_text(json.dumps({"version": 1, "maps": {"x": {"key": 1}}}))
    assert MissingMaps(directory).entries() == []


GOOD = {"key": "url:a", "profile": "p", "keys": ["url:a"], "frames": [], "looked": []}
GOOD |= {"first": 1, "last": 1}


@pytest.mark.parametrize(
    "tampered",
    [
        {"last": "x"},
        {"keys": 5},
        {"keys": ["url:b"], "last": "2"},
        {"frames": 7},
        {"frames": [["not", "a", "frame"]]},
        {"looked": ["x"]},
        {"first": True},
        {"first": float("nan")},
        {"last": 10**400},
        {"frames": [{"location": ["a"]}]},
    ],
)
def test_tampered_records_are_dropped_on_load(tmp_path: Path, tampered: dict[str, object]) -> None:
    bad = {k: v for k, v in GOOD.items() if k not in tampered} | tampered
    maps = {"p\nurl:a": GOOD, "p\nurl:b": bad}
    (tmp_path / "missing.json").write_text(json.dumps({"version": 1, "maps": maps}))
    missing = MissingMaps(tmp_path, clock=lambda: 5.0)
    assert [e.key for e in missing.entries()] == ["url:a"]
    missing.record("p", [Need(("url:c",), (NeedingFrame("c.js:1:1"),), ())])
    missing.found(["url:a"])
    assert [e.key for e in missing.entries()] == ["url:c"]


@pytest.mark.parametrize("frame", [Frame(abs_path="app.py", lineno=3)])
async def test_frames_that_need_no_map_are_not_missing(cache: SymbolCache, frame: Frame) -> None:
    await Symbolicator(cache, [], profile="p").symbolicate(_event((frame,)))
    assert cache.missing.entries() == []


async def test_symbols_add_of_a_bundle_with_a_chunk_id_clears_the_missing_chunk(
    tmp_path: Path, cache: SymbolCache
) -> None:
    from tui.symbols import commands

    cache.missing.record("p", [Need(("chunk_id:c-admin",), (), ())])
    script = tmp_path / "admin.js"
    script.write_bytes(fixture_bytes("esbuild/app.min.js") + b"\n//# chunkId=c-admin\n")
    (tmp_path / "admin.js.map").write_bytes(fixture_bytes("esbuild/app.min.js.map"))
    [result] = await commands.add(cache, [str(script)])
    assert "chunk_id:c-admin" in result["added"][0]["keys"]
    assert cache.missing.entries() == []


def test_an_oversized_file_is_ignored_and_replaced(tmp_path: Path) -> None:
    from tui.symbols.missing import MAX_FILE_BYTES

    missing = MissingMaps(tmp_path)
    missing.path.write_text('{"version": 1, "maps": {}, "pad": "' + "x" * MAX_FILE_BYTES + '"}')
    assert missing.entries() == []
    missing.record("p", [Need(("url:a",), (), ())])
    assert [e.key for e in missing.entries()] == ["url:a"]
    assert missing.path.stat().st_size < 1024
