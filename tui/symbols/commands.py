"""What the CLI's `sourcemap` and `symbols` commands do, as plain functions returning data.

`stackdeck sourcemap resolve MAP LINE:COL...`, `stackdeck symbols add PATH|URL...` and
`stackdeck symbols prune` (`symbols list` is `tui.symbol_sets`); `cli.py` parses and prints.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from tui.sanitize import sanitize
from tui.symbols.cache import CacheKey, SymbolCache
from tui.symbols.decode import decode_map
from tui.symbols.discovery import magic_comments, normalize_url
from tui.symbols.errors import SourceMapError
from tui.symbols.mapview import MapView
from tui.symbols.resolve import tidy_path, trim_line
from tui.symbols.utf16 import utf16_to_index

if TYPE_CHECKING:
    import httpx

    from tui.symbols.sources import FoundMap

# `symbols add` imports the map sources when it runs: a cached `sourcemap resolve` looks
# for no map.

DEFAULT_CACHE_BYTES = 512 * 1024 * 1024


def parse_position(text: str) -> tuple[int, int]:
    """`"LINE:COL"` (1-based, as in stack traces) -> `(line, col)`."""
    line, sep, column = text.partition(":")
    if not (sep and line.isdigit() and column.isdigit()) or int(line) < 1:
        raise ValueError(f"expected LINE:COL with a 1-based line, got {text!r}")
    return int(line), int(column)


def resolve_positions(
    map_path: str | Path, positions: Sequence[str], cache: SymbolCache | None = None
) -> list[dict[str, Any]]:
    """Resolve 1-based `LINE:COL` positions in a map's generated file.

    Each result has `position`, `source`, `line`, `column` (1-based), `name`, `context_line`,
    or `error`. With a cache, the map is decoded once and opened from the cache afterwards.
    Raises `SourceMapError` for a corrupt map and `ValueError` for a malformed position.
    """
    parsed = [parse_position(p) for p in positions]
    path = Path(map_path)
    view = cache.add_file(path)[1].view if cache else _in_memory(path.read_bytes())
    return [
        _resolve_one(view, text, line, col)
        for text, (line, col) in zip(positions, parsed, strict=True)
    ]


def _in_memory(data: bytes) -> MapView:
    return MapView.from_decoded(decode_map(data))


def _resolve_one(view: MapView, text: str, line: int, column: int) -> dict[str, Any]:
    token = view.lookup(line - 1, max(column - 1, 0))
    if token is None or token.source is None:
        return {"position": text, "error": "not mapped"}
    lines = view.texts.lines(token.source, token.src_line, token.src_line + 1)
    context = None
    if lines:
        context = trim_line(lines[0], utf16_to_index(lines[0], token.src_col))
    return {
        "position": text,
        "source": tidy_path(view.sources[token.source]),
        "line": token.src_line + 1,
        "column": token.src_col + 1,
        "name": view.name_of(token),
        "context_line": context,
    }


def format_positions(results: Sequence[dict[str, Any]]) -> str:
    """The human-readable form: `LINE:COL -> source:line:column name` plus the context line."""
    out = []
    for r in results:
        # Names, sources and context come from the map: each is kept to one inert line.
        if "error" in r:
            out.append(f"{r['position']} -> {sanitize(r['error'])}")
            continue
        name = f" {sanitize(r['name'])}" if r["name"] else ""
        out.append(f"{r['position']} -> {sanitize(r['source'])}:{r['line']}:{r['column']}{name}")
        if r["context_line"] is not None:
            out.append(f"    {sanitize(r['context_line'])}")
    return "\n".join(out)


async def add(
    cache: SymbolCache, targets: Sequence[str], client: httpx.AsyncClient | None = None
) -> list[dict[str, Any]]:
    """Put maps in the cache: a `.map` file, a minified `.js`, a build directory or a URL.

    A URL's own host is allowed for that one fetch; `client` defaults to a fresh one.
    Each result has `target`, `added` (list of `{digest, location, keys}`) or `error`.
    """
    import httpx

    own = client is None
    client = client or httpx.AsyncClient(follow_redirects=False)
    try:
        return [await _add_one(cache, target, client) for target in targets]
    finally:
        if own:
            await client.aclose()


async def _add_one(cache: SymbolCache, target: str, client: httpx.AsyncClient) -> dict[str, Any]:
    from tui.symbols.sources import LookupFailed, MapRequest

    try:
        if urlsplit(target).scheme in ("http", "https"):
            from tui.symbols.urlsource import UrlSource

            source = UrlSource(client, allowed_hosts=[urlsplit(target).hostname or ""])
            found = await source.find(MapRequest(target))
            added = [_store(cache, found, normalize_url(target))] if found else []
        else:
            added = _add_path(cache, target)
    except (OSError, ValueError, LookupFailed, SourceMapError) as exc:  # ValueError: urlsplit
        return {"target": target, "error": str(exc)}
    return {"target": target, "added": added}


def _add_path(cache: SymbolCache, target: str) -> list[dict[str, Any]]:
    from tui.symbols.sources import (
        FoundBy,
        FoundMap,
        LocalDirSource,
        LookupFailed,
        MapRequest,
        map_for_script,
    )

    path = Path(target).expanduser()
    if path.is_dir():
        source = LocalDirSource(path)
        added = []
        for _, relative, _ in source.scripts():
            try:
                found = source.find_sync(MapRequest("~/" + relative))
            except LookupFailed:
                continue  # a script without a map is normal in a build directory
            if found:
                added.append(_store(cache, found, "~/" + relative))
        return added
    if path.suffix == ".map":
        script = path.with_suffix("")
        minified = script.read_bytes() if script.is_file() else None
        found = FoundMap(path.read_bytes(), FoundBy.LOCAL_PATH, str(path), minified)
        return [_store(cache, found, "~/" + script.name)]
    if not path.is_file():
        raise LookupFailed(f"{path}: no such file or directory")
    return [_store(cache, map_for_script(path, FoundBy.LOCAL_PATH), "~/" + path.name)]


def _store(cache: SymbolCache, found: FoundMap, url_key: str) -> dict[str, Any]:
    keys = [CacheKey("url", url_key)]
    if found.minified and (chunk_id := magic_comments(found.minified).get("chunkId")):
        keys.append(CacheKey("chunk_id", chunk_id))  # what PostHog's frames find it by
    digest, binary = cache.add(
        found.map_bytes,
        minified=found.minified,
        keys=keys,
        how=str(found.how),
        location=found.location,
    )
    if binary.view.debug_id:
        keys.append(CacheKey("debug_id", binary.view.debug_id))
    return {"digest": digest, "location": found.location, "keys": [str(k) for k in keys]}


def prune(cache: SymbolCache, max_bytes: int = DEFAULT_CACHE_BYTES) -> list[str]:
    """Evict least recently used maps until the cache fits in `max_bytes`."""
    return cache.prune(max_bytes)
