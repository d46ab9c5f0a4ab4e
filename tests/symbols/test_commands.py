"""The functions behind `stackdeck sourcemap resolve` and `stackdeck symbols add|list|prune`."""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx
import pytest

from tests.symbols.conftest import DEBUG_ID, FIXTURES
from tui.symbols import commands
from tui.symbols.cache import CacheKey, SymbolCache
from tui.symbols.errors import SourceMapError

MAP = FIXTURES / "esbuild" / "app.min.js.map"


def test_resolve_positions(cache: SymbolCache) -> None:
    code = (FIXTURES / "esbuild" / "app.min.js").read_text()
    column = code.index("throw new") + 1
    results = commands.resolve_positions(MAP, [f"1:{column}", "9:1"], cache)
    assert results[0] == {
        "position": f"1:{column}",
        "source": "generate/src/cart.js",
        "line": 12,
        "column": 5,
        "name": None,
        "context_line": (
            "    throw new RangeError(`negative price for ${item.sku}: ${item.price}`);"
        ),
    }
    assert results[1] == {"position": "9:1", "error": "not mapped"}
    assert commands.resolve_positions(MAP, [f"1:{column}"]) == results[:1], "same without a cache"
    text = commands.format_positions(results)
    assert text.splitlines()[0] == f"1:{column} -> generate/src/cart.js:12:5"
    assert text.splitlines()[-1] == "9:1 -> not mapped"


@pytest.mark.parametrize("bad", ["12", "a:3", "0:4", "1:-2"])
def test_resolve_rejects_malformed_positions(bad: str) -> None:
    with pytest.raises(ValueError, match="LINE:COL"):
        commands.resolve_positions(MAP, [bad])


def test_resolve_raises_source_map_error_for_corrupt_maps(tmp_path: Path) -> None:
    bad = tmp_path / "bad.map"
    bad.write_text('{"version": 4}')
    with pytest.raises(SourceMapError, match="version 4"):
        commands.resolve_positions(bad, ["1:1"])


async def test_add_a_directory_a_map_and_a_url_then_list_and_prune(
    tmp_path: Path, cache: SymbolCache
) -> None:
    build = tmp_path / "out"
    shutil.copytree(FIXTURES / "terser", build / "static")
    shutil.copy(FIXTURES / "esbuild" / "app.min.js.map", tmp_path / "lone.js.map")
    shutil.copy(FIXTURES / "esbuild" / "app.min.js", tmp_path / "app.min.js")
    shutil.copy(FIXTURES / "esbuild" / "app.min.js.map", tmp_path / "app.min.js.map")

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/inline.js":
            return httpx.Response(200, content=(FIXTURES / "inline" / "app.inline.js").read_bytes())
        return httpx.Response(404)

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        results = await commands.add(
            cache,
            [
                str(build),
                str(tmp_path / "lone.js.map"),
                "https://h.example/inline.js",
                "/nope",
                str(tmp_path / "app.min.js"),
            ],
            client,
        )
    assert [r["target"] for r in results][:3] == [
        str(build),
        str(tmp_path / "lone.js.map"),
        "https://h.example/inline.js",
    ]
    assert results[0]["added"][0]["keys"] == ["url:~/static/app.terser.js"]
    assert f"debug_id:{DEBUG_ID}" in results[1]["added"][0]["keys"]
    assert results[2]["added"][0]["keys"] == ["url:~/inline.js"]
    assert results[3] == {"target": "/nope", "error": "/nope: no such file or directory"}
    assert results[4]["added"][0]["keys"][0] == "url:~/app.min.js"
    assert cache.find(CacheKey("url", "~/static/app.terser.js")) is not None
    listed = cache.entries()
    assert len(listed) == 3 and all(e.size > 0 for e in listed)
    assert commands.prune(cache, max_bytes=0) and cache.entries() == []
