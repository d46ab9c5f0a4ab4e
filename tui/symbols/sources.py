"""Where maps come from: the `SymbolSource` protocol and the local-directory source.

A source answers one `MapRequest` with a `FoundMap` (the map's bytes and how it was found), with
None when it has nothing, or by raising `LookupFailed` with a reason worth showing the user.
The Symbolicator asks its sources in order and records which one answered.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from tui.symbols.discovery import decode_data_url, magic_comments, map_reference, url_path
from tui.symbols.errors import SourceMapError

_SCRIPT_SUFFIXES = (".js", ".mjs", ".cjs")
_MAP_DEBUG_ID = re.compile(rb'"debug_?[iI]d"\s*:\s*"([0-9a-fA-F-]{32,36})"')
_MAX_FILES = 20_000
_HEAD = 1 << 16


class FoundBy(enum.StrEnum):
    """How a map was matched to a frame; shown to the user as provenance."""

    DEBUG_ID = "debug id"
    CHUNK_ID = "chunk id"
    URL_SUFFIX = "url suffix"
    SOURCE_MAPPING_URL = "sourceMappingURL"
    SOURCEMAP_HEADER = "SourceMap header"
    LOCAL_PATH = "local path"


@dataclass(frozen=True)
class MapRequest:
    """What is known about the minified file a frame points into."""

    abs_path: str
    debug_id: str = ""
    chunk_id: str = ""
    project: str = ""
    """The event's project as its server names it, for server-side lookups."""


@dataclass(frozen=True)
class FoundMap:
    map_bytes: bytes
    how: FoundBy
    location: str
    """The map's path or URL (`data:` URLs are shortened to `<inline in ...>`)."""
    minified: bytes | None = None
    """The minified file, when the source has it: used to find enclosing function names."""


class LookupFailed(Exception):
    """A source looked and can say why it found nothing (host not allowed, too large, 404...)."""


class SymbolSource(Protocol):
    """Anything that can find a map: a local directory, a server's artifact store, the web."""

    name: str
    """Where it looks, for messages: `local /home/me/app/dist`, `sentry artifacts`, `urls`."""

    async def find(self, request: MapRequest) -> FoundMap | None: ...


@dataclass
class ServerSource:
    """Adapter for a backend: `fetch` returns a map's bytes for a debug id or chunk id.

    The Sentry backend can pass artifact lookup by debug id, PostHog its symbol sets by chunk id.
    """

    name: str
    fetch: Callable[[MapRequest], Awaitable[bytes | None]]

    async def find(self, request: MapRequest) -> FoundMap | None:
        if not (request.debug_id or request.chunk_id):
            return None
        data = await self.fetch(request)
        if data is None:
            return None
        how = FoundBy.DEBUG_ID if request.debug_id else FoundBy.CHUNK_ID
        return FoundMap(data, how, f"{self.name}:{request.debug_id or request.chunk_id}")


@dataclass
class _Script:
    path: Path
    relative: str
    comments: dict[str, str]


@dataclass
class LocalDirSource:
    """A build output directory (`symbols.paths` in a profile), e.g. a project's `dist/`.

    Matches by `//# debugId=` or a map's `debug_id`, by `//# chunkId=`, then by URL path
    suffix (`https://x.com/assets/index-4f2a.js` matches `dist/assets/index-4f2a.js`).
    """

    directory: Path
    name: str = ""
    _scripts: list[_Script] | None = field(default=None, repr=False)
    _map_ids: dict[str, Path] = field(default_factory=dict, repr=False)
    remote: bool = field(default=False, init=False)

    def __post_init__(self) -> None:
        self.directory = Path(self.directory).expanduser()
        self.name = self.name or f"local {self.directory}"

    async def find(self, request: MapRequest) -> FoundMap | None:
        # Scanning a build directory reads files: keep it off the event loop.
        import asyncio  # here: the offline symbol commands import this module, never await it

        return await asyncio.to_thread(self.find_sync, request)

    def find_sync(self, request: MapRequest) -> FoundMap | None:
        scripts = self._scan()
        if request.debug_id:
            wanted = request.debug_id.lower()
            for script in scripts:
                if script.comments.get("debugId", "").lower() == wanted:
                    return self._map_for(script, FoundBy.DEBUG_ID)
            if wanted in self._map_ids:
                path = self._map_ids[wanted]
                return FoundMap(path.read_bytes(), FoundBy.DEBUG_ID, str(path))
        if request.chunk_id:
            for script in scripts:
                if script.comments.get("chunkId") == request.chunk_id:
                    return self._map_for(script, FoundBy.CHUNK_ID)
        by_suffix = self._by_suffix(request.abs_path, scripts)
        return self._map_for(by_suffix, FoundBy.URL_SUFFIX) if by_suffix else None

    def scripts(self) -> list[tuple[Path, str, dict[str, str]]]:
        """Every script found: path, path relative to the directory, magic comments."""
        return [(s.path, s.relative, s.comments) for s in self._scan()]

    def _scan(self) -> list[_Script]:
        if self._scripts is None:
            self._scripts = []
            if not self.directory.is_dir():
                raise LookupFailed(f"{self.directory} is not a directory")
            for count, path in enumerate(sorted(self.directory.rglob("*"))):
                if count > _MAX_FILES:
                    break
                self._scan_file(path)
        return self._scripts

    def _scan_file(self, path: Path) -> None:
        if path.suffix in _SCRIPT_SUFFIXES and path.is_file():
            relative = path.relative_to(self.directory).as_posix()
            comments = magic_comments(_tail(path))
            assert self._scripts is not None
            self._scripts.append(_Script(path, relative, comments))
        elif path.suffix == ".map" and path.is_file():
            with path.open("rb") as handle:
                head = handle.read(_HEAD)
            data = head + _tail(path)
            match = _MAP_DEBUG_ID.search(data)
            if match:
                self._map_ids[match.group(1).decode().lower()] = path

    def _by_suffix(self, abs_path: str, scripts: list[_Script]) -> _Script | None:
        wanted = "/" + url_path(abs_path).lstrip("/")
        matches = [s for s in scripts if wanted.endswith("/" + s.relative)]
        return max(matches, key=lambda s: len(s.relative)) if matches else None

    def _map_for(self, script: _Script, how: FoundBy) -> FoundMap:
        return map_for_script(script.path, how)


def map_for_script(path: Path, how: FoundBy) -> FoundMap:
    """The map of a minified file on disk: its `sourceMappingURL`, else `<file>.map`."""
    minified = path.read_bytes()
    reference = map_reference(minified) or ""
    if reference.startswith("data:"):
        try:
            data = decode_data_url(reference)
        except SourceMapError as exc:
            raise LookupFailed(f"{path}: {exc}") from None
        return FoundMap(data, how, f"<inline in {path}>", minified)
    candidates = [path.parent / reference] if reference else []
    candidates.append(path.with_name(path.name + ".map"))
    for candidate in candidates:
        if candidate.is_file():
            return FoundMap(candidate.read_bytes(), how, str(candidate), minified)
    raise LookupFailed(f"{path} has no map (no sourceMappingURL, no .map beside it)")


def _tail(path: Path) -> bytes:
    with path.open("rb") as handle:
        size = handle.seek(0, 2)
        handle.seek(max(0, size - _HEAD))
        return handle.read()
