"""The binary cache: round trip in a fresh process, atomic writes, versioning, LRU pruning."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.symbols.conftest import DEBUG_ID, expected, fixture_bytes
from tui.symbols import binary
from tui.symbols.cache import CacheKey, SymbolCache
from tui.symbols.decode import decode_map
from tui.symbols.errors import SourceMapError
from tui.symbols.mapview import MapView

MAP = "esbuild/app.min.js.map"


def test_cached_view_answers_like_the_decoded_map(cache: SymbolCache) -> None:
    digest, cached = cache.add(fixture_bytes(MAP), minified=fixture_bytes("esbuild/app.min.js"))
    memory = MapView.from_decoded(decode_map(fixture_bytes(MAP)))
    view = SymbolCache(cache.directory).open(digest).view
    for line, column, *_ in expected("esbuild"):
        ours, theirs = view.lookup(line - 1, column), memory.lookup(line - 1, column)
        assert ours == theirs
        if ours is not None and ours.source is not None:
            assert view.source_of(ours) == memory.source_of(theirs)
            assert view.name_of(ours) == memory.name_of(theirs)
    for index in range(len(memory.sources)):
        count = memory.texts.line_count(index)
        assert view.texts.lines(index, 0, count) == memory.texts.lines(index, 0, count)
    assert view.minified_line(0).startswith("(()=>{")
    assert view.debug_id == DEBUG_ID


def test_round_trip_in_a_fresh_process_without_parsing(cache: SymbolCache) -> None:
    cache.add(fixture_bytes(MAP), keys=[CacheKey("url", "~/assets/app.min.js")])
    script = textwrap.dedent(
        f"""
        import json, sys
        from pathlib import Path
        import tui.symbols.decode as decode
        decode.decode_map = None  # opening the cache must not decode anything
        from tui.symbols.cache import CacheKey, SymbolCache
        cache = SymbolCache(Path({str(cache.directory)!r}))
        hit = cache.find(CacheKey("debug_id", {DEBUG_ID!r}))
        by_url = cache.find(CacheKey("url", "~/assets/app.min.js"))
        token = hit.binary.view.lookup(0, 200)
        view = hit.binary.view
        print(json.dumps([by_url.digest == hit.digest, view.source_of(token), token.src_line,
                          view.texts.lines(token.source, token.src_line, token.src_line + 1)]))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=Path.cwd()
    )
    same, source, line, context = json.loads(out.stdout)
    memory = MapView.from_decoded(decode_map(fixture_bytes(MAP)))
    token = memory.lookup(0, 200)
    assert same is True
    assert (source, line) == ("../../generate/src/cart.js", token.src_line)
    assert context == memory.texts.lines(token.source, token.src_line, token.src_line + 1)
    assert context == ["    throw new RangeError(`negative price for ${item.sku}: ${item.price}`);"]


def test_write_is_atomic_and_leaves_no_temp_files(cache: SymbolCache, monkeypatch) -> None:
    digest, _ = cache.add(fixture_bytes(MAP))
    path = cache.path_for(digest)
    before = path.read_bytes()

    def crash(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(binary.os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        binary.write_binary(path, decode_map(fixture_bytes(MAP)), None, {})
    assert path.read_bytes() == before, "a failed write never touches the existing file"
    assert [p.name for p in path.parent.iterdir()] == [path.name]


def test_version_mismatch_is_rebuilt(cache: SymbolCache) -> None:
    digest, _ = cache.add(fixture_bytes(MAP))
    path = cache.path_for(digest)
    data = bytearray(path.read_bytes())
    struct.pack_into("=I", data, 8, binary.FORMAT_VERSION + 1)
    path.write_bytes(bytes(data))
    fresh = SymbolCache(cache.directory)
    assert fresh.open(digest) is None
    _, rebuilt = fresh.add(fixture_bytes(MAP))
    assert binary.read_header(path.read_bytes())[1] == binary.FORMAT_VERSION
    assert rebuilt.view.lookup(0, 200) is not None


def test_truncated_file_is_treated_as_missing(cache: SymbolCache) -> None:
    digest, _ = cache.add(fixture_bytes(MAP))
    path = cache.path_for(digest)
    path.write_bytes(path.read_bytes()[:100])
    assert SymbolCache(cache.directory).open(digest) is None


def test_corrupt_map_writes_nothing(cache: SymbolCache) -> None:
    with pytest.raises(SourceMapError):
        cache.add(b'{"version":3,"sources":[],"names":[],"mappings":"A!"}')
    assert not (cache.directory / "maps").exists() or not any((cache.directory / "maps").iterdir())


def _map_with(source: str) -> bytes:
    return json.dumps(
        {
            "version": 3,
            "sources": [source],
            "names": [],
            "mappings": "AAAA",
            "sourcesContent": ["x" * 5000],
        }
    ).encode()


def test_prune_evicts_least_recently_used_first(tmp_path: Path) -> None:
    now = [1000.0]
    cache = SymbolCache(tmp_path / "symbols", clock=lambda: now[0])
    digests = []
    for name in ("a.js", "b.js", "c.js"):
        now[0] += 10
        digests.append(cache.add(_map_with(name), keys=[CacheKey("url", f"~/{name}")])[0])
    now[0] += 10
    SymbolCache(cache.directory, clock=lambda: now[0]).open(digests[0])  # a.js used again
    sizes = {e.digest: e.size for e in cache.entries()}
    removed = cache.prune(sizes[digests[0]] + sizes[digests[2]])
    assert removed == [digests[1]]
    assert cache.find(CacheKey("url", "~/b.js")) is None
    assert cache.find(CacheKey("url", "~/a.js")) is not None
    assert cache.prune(0) == [digests[2], digests[0]]
    assert cache.entries() == []


def test_same_content_is_stored_once(cache: SymbolCache) -> None:
    first, _ = cache.add(fixture_bytes(MAP), keys=[CacheKey("url", "~/a.js")])
    second, _ = cache.add(fixture_bytes(MAP), keys=[CacheKey("url", "~/b.js")])
    assert first == second
    [entry] = cache.entries()
    assert set(entry.keys) == {"url:~/a.js", "url:~/b.js", f"debug_id:{DEBUG_ID}"}
    assert os.path.getsize(cache.path_for(first)) == entry.size


def test_damaged_sidecar_is_rebuilt(cache: SymbolCache) -> None:
    digest, _ = cache.add(fixture_bytes(MAP))
    path = cache.path_for(digest)
    data = path.read_bytes()
    path.write_bytes(data[:-2] + b"!!")  # the JSON sidecar is the last section
    fresh = SymbolCache(cache.directory)
    assert fresh.open(digest) is None
    assert fresh.add(fixture_bytes(MAP))[1].view.debug_id == DEBUG_ID
    assert SymbolCache(cache.directory).open(digest) is not None


def test_prune_removes_stale_temporary_files_only(tmp_path: Path) -> None:
    now = 100_000.0
    cache = SymbolCache(tmp_path / "symbols", clock=lambda: now)
    cache.add(_map_with("a.js"))
    maps = cache.directory / "maps"
    old, fresh = maps / ".tmp-old.sdmap", maps / ".tmp-new.sdmap"
    for path, age in ((old, 7200), (fresh, 60)):
        path.write_bytes(b"partial")
        os.utime(path, (now - age, now - age))
    assert cache.prune(10**9) == []
    assert not old.exists() and fresh.exists()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_cache_directories_are_private_to_the_user(tmp_path: Path) -> None:
    cache = SymbolCache(tmp_path / "cache" / "stackdeck" / "symbols")
    cache.add(fixture_bytes(MAP))
    for directory in (cache.directory.parent, cache.directory, cache.directory / "maps"):
        assert directory.stat().st_mode & 0o777 == 0o700, directory


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_an_existing_open_cache_directory_is_closed(tmp_path: Path) -> None:
    (tmp_path / "symbols" / "maps").mkdir(parents=True, mode=0o755)
    (tmp_path / "symbols" / "maps").chmod(0o755)
    cache = SymbolCache(tmp_path / "symbols")
    cache.add(fixture_bytes(MAP))
    assert (tmp_path / "symbols" / "maps").stat().st_mode & 0o777 == 0o700


def test_a_symlinked_maps_directory_is_neither_written_nor_read(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    writer = SymbolCache(tmp_path / "honest")
    digest, _ = writer.add(fixture_bytes(MAP))
    planted = writer.path_for(digest)
    os.replace(planted, elsewhere / planted.name)
    (tmp_path / "symbols").mkdir()
    (tmp_path / "symbols" / "maps").symlink_to(elsewhere)
    cache = SymbolCache(tmp_path / "symbols")
    assert cache.open(digest) is None
    with pytest.raises(SourceMapError, match="symbolic link"):
        cache.add(fixture_bytes(MAP))
    assert sorted(p.name for p in elsewhere.iterdir()) == [planted.name]
