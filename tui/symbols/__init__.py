"""Local symbolication of minified JavaScript frames (no Textual import here).

Usage from the app::

    cache = SymbolCache(tui.config.app_dirs().cache / "symbols")
    settings = profile.symbols
    sources = make_sources(settings.paths, fetch_urls=settings.fetch_urls,
                           url_hosts=settings.url_hosts, client=http_client)
    result = await Symbolicator(cache, sources).symbolicate(event)
    result.get(exception_index, frame_index)   # FrameResolution or None (frame not JS/minified)
    result.apply(event)   # the Event with resolved frames, minified ones in raw_stacktrace

A `FrameResolution` holds either the resolved `Frame` and a `Provenance` (map path or URL, found
by debug id / chunk id / url suffix / sourceMappingURL / SourceMap header / local path, cached or
not) or a one-line `failure` reason. Exceptions whose `raw_stacktrace` is set were resolved by
the server and are listed in `result.skipped`. Columns of JavaScript frames count UTF-16 code
units; use `utf16_to_index(line, colno - 1)` before drawing a caret.

A backend can plug in its own store through `ServerSource(name, fetch)` or any object with a
`name` and `async find(MapRequest) -> FoundMap | None` (the `SymbolSource` protocol).
The CLI's `sourcemap`/`symbols` commands live in `tui.symbols.commands`.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

    from tui.symbols.cache import CacheEntry, CacheKey, SymbolCache
    from tui.symbols.errors import SourceMapError
    from tui.symbols.sources import (
        FoundBy,
        FoundMap,
        LocalDirSource,
        LookupFailed,
        MapRequest,
        ServerSource,
        SymbolSource,
    )
    from tui.symbols.symbolicator import (
        FrameResolution,
        Provenance,
        SymbolicationResult,
        Symbolicator,
        needs_symbolication,
    )
    from tui.symbols.urlsource import UrlSource
    from tui.symbols.utf16 import index_to_utf16, utf16_to_index

# Where each exported name lives. They load on first use: a cached `sourcemap resolve` needs
# the cache but not the symbolicator, asyncio or httpx (`UrlSource`), and a process pays only
# for what it touches.
_EXPORTS = {
    "CacheEntry": "cache",
    "CacheKey": "cache",
    "SymbolCache": "cache",
    "SourceMapError": "errors",
    "FoundBy": "sources",
    "FoundMap": "sources",
    "LocalDirSource": "sources",
    "LookupFailed": "sources",
    "MapRequest": "sources",
    "ServerSource": "sources",
    "SymbolSource": "sources",
    "FrameResolution": "symbolicator",
    "Provenance": "symbolicator",
    "SymbolicationResult": "symbolicator",
    "Symbolicator": "symbolicator",
    "needs_symbolication": "symbolicator",
    "UrlSource": "urlsource",
    "index_to_utf16": "utf16",
    "utf16_to_index": "utf16",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def make_sources(
    paths: Iterable[Path],
    *,
    fetch_urls: bool = False,
    url_hosts: Sequence[str] = (),
    client: httpx.AsyncClient | None = None,
    server: Sequence[SymbolSource] = (),
) -> list[SymbolSource]:
    """The usual order: local build directories, then the server's store, then public URLs.

    Public URLs are fetched only with `fetch_urls` and a `client`; `url_hosts` limits them to
    those hosts (and their subdomains), and an empty list allows any host.
    """
    from tui.symbols.sources import LocalDirSource

    sources: list[SymbolSource] = [LocalDirSource(Path(p)) for p in paths]
    sources.extend(server)
    if fetch_urls and client is not None:
        from tui.symbols.urlsource import UrlSource

        sources.append(UrlSource(client, allowed_hosts=tuple(url_hosts) or ("*",)))
    return sources


__all__ = [
    "CacheEntry",
    "CacheKey",
    "FoundBy",
    "FoundMap",
    "FrameResolution",
    "LocalDirSource",
    "LookupFailed",
    "MapRequest",
    "Provenance",
    "ServerSource",
    "SourceMapError",
    "SymbolCache",
    "SymbolSource",
    "SymbolicationResult",
    "Symbolicator",
    "UrlSource",
    "index_to_utf16",
    "make_sources",
    "needs_symbolication",
    "utf16_to_index",
]
