"""PostHog symbol sets: the `posthog_error_tracking` blob format and a chunk-id symbol source.

A blob (PostHog/posthog `rust/common/symbol_data`) is the magic `posthog_error_tracking`, a u32 LE
version (1 or 2), a u32 LE data type (2 = minified source and map), for version 2 one compression
byte (0 = none, 1 = zstd), then the payload: u64 LE length + minified source, u64 LE length + map.
zstd needs the optional `zstandard` package; without it such a blob fails with a clear reason.
"""

from __future__ import annotations

import importlib
import struct
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from tui.symbols.sources import FoundBy, FoundMap, LookupFailed, MapRequest

MAGIC = b"posthog_error_tracking"
TYPE_SOURCE_AND_MAP = 2
COMPRESSION_NONE = 0
COMPRESSION_ZSTD = 1
MAX_DECOMPRESSED = 512 * 1024 * 1024
"""A symbol set is at most 100 MB uploaded; this bounds what a hostile zstd frame can expand to."""
_TYPE_NAMES = {3: "a Hermes map", 4: "a ProGuard mapping", 5: "an Apple dSYM", 6: "ELF debug info"}


class SymbolSetError(Exception):
    """The blob cannot be used; `str()` is the one-line reason shown on the frame."""


@dataclass(frozen=True)
class SourceAndMap:
    minified: bytes
    source_map: bytes


def parse_symbol_set(blob: bytes) -> SourceAndMap:
    """The minified source and map held in a PostHog symbol-set blob."""
    if not blob.startswith(MAGIC):
        raise SymbolSetError("not a PostHog symbol set (no posthog_error_tracking magic)")
    header = len(MAGIC)
    if len(blob) < header + 8:
        raise SymbolSetError("truncated symbol set header")
    version, data_type = struct.unpack_from("<II", blob, header)
    if data_type != TYPE_SOURCE_AND_MAP:
        kind = _TYPE_NAMES.get(data_type, f"data type {data_type}")
        raise SymbolSetError(f"the symbol set holds {kind}, not a JavaScript source map")
    if version == 1:
        return _source_and_map(blob[header + 8 :])
    if version != 2:
        raise SymbolSetError(f"unknown symbol set version {version} (stackdeck reads 1 and 2)")
    if len(blob) < header + 9:
        raise SymbolSetError("truncated symbol set header")
    compression = blob[header + 8]
    payload = blob[header + 9 :]
    if compression == COMPRESSION_ZSTD:
        payload = _unzstd(payload)
    elif compression != COMPRESSION_NONE:
        raise SymbolSetError(f"unknown symbol set compression {compression}")
    return _source_and_map(payload)


def build_symbol_set(minified: bytes, source_map: bytes, *, version: int = 2) -> bytes:
    """An uncompressed blob, as PostHog stores one (for the demo server and tests)."""
    head = MAGIC + struct.pack("<II", version, TYPE_SOURCE_AND_MAP)
    if version == 2:
        head += bytes([COMPRESSION_NONE])
    body = struct.pack("<Q", len(minified)) + minified + struct.pack("<Q", len(source_map))
    return head + body + source_map


def _source_and_map(payload: bytes) -> SourceAndMap:
    if len(payload) < 8:
        raise SymbolSetError("truncated symbol set: no source length")
    (source_len,) = struct.unpack_from("<Q", payload, 0)
    map_at = 8 + source_len
    if len(payload) < map_at + 8:
        raise SymbolSetError("truncated symbol set: the minified source is cut short")
    (map_len,) = struct.unpack_from("<Q", payload, map_at)
    end = map_at + 8 + map_len
    if len(payload) != end:
        problem = "cut short" if len(payload) < end else "followed by stray bytes"
        raise SymbolSetError(f"corrupt symbol set: the source map is {problem}")
    return SourceAndMap(payload[8:map_at], payload[map_at + 8 : end])


def _unzstd(payload: bytes) -> bytes:
    try:
        zstandard = importlib.import_module("zstandard")
    except ImportError:
        raise SymbolSetError(
            "the symbol set is zstd-compressed; install it with: pip install 'stackdeck[zstd]'"
        ) from None
    try:
        reader = zstandard.ZstdDecompressor().stream_reader(payload)
        data = reader.read(MAX_DECOMPRESSED + 1)
    except zstandard.ZstdError as exc:
        raise SymbolSetError(f"corrupt zstd data in the symbol set: {exc}") from None
    if len(data) > MAX_DECOMPRESSED:
        raise SymbolSetError("the symbol set decompresses to more than 512 MB")
    return data


FetchSymbolSet = Callable[[str], Awaitable[bytes | None]]


@dataclass
class PostHogSymbolSource:
    """A `SymbolSource` over a PostHog project's symbol sets, looked up by a frame's chunk id.

    `fetch` returns the blob for a chunk id, None when there is no symbol set, or raises
    `LookupFailed`. Blobs are parsed once per chunk id; the Symbolicator caches the maps.
    """

    fetch: FetchSymbolSet
    name: str = "posthog symbol sets"
    remote: bool = field(default=True, init=False)
    _failed: dict[str, str] = field(default_factory=dict, repr=False)

    async def find(self, request: MapRequest) -> FoundMap | None:
        chunk_id = request.chunk_id
        if not chunk_id:
            return None
        if chunk_id in self._failed:
            raise LookupFailed(self._failed[chunk_id])
        blob = await self.fetch(chunk_id)
        if blob is None:
            return None
        try:
            parsed = parse_symbol_set(blob)
        except SymbolSetError as exc:
            self._failed[chunk_id] = f"symbol set {chunk_id}: {exc}"
            raise LookupFailed(self._failed[chunk_id]) from None
        location = f"posthog symbol set {chunk_id}"
        return FoundMap(parsed.source_map, FoundBy.CHUNK_ID, location, parsed.minified)
