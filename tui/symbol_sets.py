"""A profile's symbol sets in three parts: cached here, on the server, missing; and uploading one.

Shared by the Symbol sets screen (`S`) and `stackdeck symbols list|upload`, so both show the
same data. No Textual here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.backends.errors import BackendError, Unsupported
from tui.model import Feature, ServerSymbolSet, SymbolSetList, to_jsonable
from tui.symbols.cache import CacheEntry, SymbolCache
from tui.symbols.discovery import magic_comments
from tui.symbols.missing import MissingMap

if TYPE_CHECKING:
    from tui.backends.base import Backend


@dataclass(frozen=True)
class ServerSide:
    """The server's sets, or why they are not shown (`unavailable`)."""

    listed: SymbolSetList = SymbolSetList()
    unavailable: str = ""


@dataclass(frozen=True)
class SymbolOverview:
    cached: tuple[CacheEntry, ...]
    server: ServerSide
    missing: tuple[MissingMap, ...]


@dataclass(frozen=True)
class LocalSymbolSet:
    """A minified file and its map from disk, with the chunk id they are uploaded under."""

    chunk_id: str
    minified: bytes
    source_map: bytes
    location: str


def local_overview(cache: SymbolCache, profile: str) -> SymbolOverview:
    """The cache and the missing maps, read from disk (no network)."""
    cached = sorted(cache.entries(), key=lambda e: e.last_used, reverse=True)
    return SymbolOverview(tuple(cached), ServerSide(), tuple(cache.missing.entries(profile)))


async def server_side(backend: Backend, *, offline: bool = False) -> ServerSide:
    """What the server lists, or in words why it cannot be listed."""
    if offline:
        return ServerSide(unavailable="offline: the server's symbol sets need the network")
    if reason := backend.capabilities.why_not(Feature.SYMBOL_SETS):
        return ServerSide(unavailable=reason)
    listing = getattr(backend, "symbol_sets", None)
    if not callable(listing):
        return ServerSide(unavailable=f"{backend.name} cannot list symbol sets")
    try:
        return ServerSide(await listing())
    except BackendError as exc:
        return ServerSide(unavailable=f"cannot list the server's symbol sets: {exc}")


def read_local_set(path: Path, chunk_id: str = "") -> LocalSymbolSet:
    """The minified file at `path` (or beside the `.map` at `path`) with its map.

    The chunk id is `chunk_id` when given, else the file's `//# chunkId=` comment (which
    `posthog-cli sourcemap inject` writes). Raises `LookupFailed` or `OSError` with the reason.
    """
    from tui.symbols.sources import FoundBy, LookupFailed, map_for_script

    path = path.expanduser()
    script = path.with_suffix("") if path.suffix == ".map" else path
    if not script.is_file():
        raise LookupFailed(f"{script}: no minified file (upload the .js with its map beside it)")
    found = map_for_script(script, FoundBy.LOCAL_PATH)
    minified = found.minified or script.read_bytes()
    chunk = chunk_id or magic_comments(minified).get("chunkId", "")
    if not chunk:
        raise LookupFailed(
            f"{script} has no //# chunkId= comment: give the chunk id its frames name"
        )
    return LocalSymbolSet(chunk, minified, found.map_bytes, str(script))


async def upload(backend: Backend, local: LocalSymbolSet) -> ServerSymbolSet:
    """Upload `local` to the server; the set as the server then lists it."""
    if reason := backend.capabilities.why_not(Feature.SYMBOL_UPLOAD):
        raise Unsupported(reason)
    send = getattr(backend, "upload_symbol_set", None)
    if not callable(send):
        raise Unsupported(f"{backend.name} cannot take symbol set uploads")
    stored: ServerSymbolSet = await send(local.chunk_id, local.minified, local.source_map)
    return stored


def overview_json(overview: SymbolOverview) -> dict[str, Any]:
    """`symbols list --json`: `cached`, `server` (`sets`, `truncated`, `unavailable`), `missing`."""
    server = overview.server
    cached = [
        # ISO 8601 like every other time in the JSON; the cache keeps epoch seconds.
        {**to_jsonable(entry), "last_used": _iso(entry.last_used)}
        for entry in overview.cached
    ]
    return {
        "cached": cached,
        "server": {
            "sets": to_jsonable(list(server.listed.sets)),
            "truncated": server.listed.truncated,
            "unavailable": server.unavailable or None,
        },
        "missing": to_jsonable(list(overview.missing)),
    }


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat()
