"""Symbolicate an event's minified JavaScript frames: find each map, resolve, say how.

Maps are looked for in this order, and every frame records where its map came from:
the cache by debug id, by chunk id; then each source in the order given (local directories,
a server, public URLs), with the cache by URL checked before the first remote source.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tui.model import Event, ExceptionValue, Frame
from tui.symbols.binary import BinaryMap
from tui.symbols.cache import CacheKey, SymbolCache
from tui.symbols.discovery import normalize_url
from tui.symbols.errors import InvalidURL, SourceMapError
from tui.symbols.missing import Attempt, Need, NeedingFrame
from tui.symbols.resolve import Unresolved, resolve_frame
from tui.symbols.sources import FoundBy, LookupFailed, MapRequest, SymbolSource


@dataclass(frozen=True)
class Provenance:
    """Where a frame's map came from."""

    how: FoundBy
    map_location: str
    """The map file's path or URL."""
    source: str
    """The symbol source that found it, e.g. `local /home/me/app/dist`."""
    cached: bool = False

    def describe(self) -> str:
        origin = "from the local cache" if self.cached else f"from {self.source}"
        return f"{self.map_location} (by {self.how}, {origin})"


@dataclass(frozen=True)
class FrameResolution:
    """One frame's outcome: a resolved frame with its provenance, or a failure reason."""

    minified: Frame
    frame: Frame | None = None
    provenance: Provenance | None = None
    failure: str = ""
    note: str = ""
    """A caveat on a resolved frame, e.g. that the map carries no source text."""

    @property
    def resolved(self) -> bool:
        return self.frame is not None

    def describe(self) -> str:
        """One line on where the frame's map came from, with any caveat."""
        where = self.provenance.describe() if self.provenance else ""
        return "; ".join(part for part in (where, self.note) if part)


@dataclass(frozen=True)
class SymbolicationResult:
    frames: dict[tuple[int, int], FrameResolution] = field(default_factory=dict)
    """By `(exception index, frame index)`, both in `Event.exceptions` / `frames` order."""
    skipped: dict[int, str] = field(default_factory=dict)
    """Exceptions left alone, with the reason (the server already resolved them)."""

    def get(self, exception: int, frame: int) -> FrameResolution | None:
        return self.frames.get((exception, frame))

    @property
    def resolved_count(self) -> int:
        return sum(1 for r in self.frames.values() if r.resolved)

    def apply(self, event: Event) -> Event:
        """The event with resolved frames swapped in; minified ones move to `raw_stacktrace`."""
        exceptions = []
        for e_index, exc in enumerate(event.exceptions):
            exceptions.append(self._apply_exception(e_index, exc))
        return dataclasses.replace(event, exceptions=tuple(exceptions))

    def _apply_exception(self, e_index: int, exc: ExceptionValue) -> ExceptionValue:
        if exc.stacktrace is None or e_index in self.skipped:
            return exc
        frames, annotated, any_resolved = [], [], False
        for f_index, frame in enumerate(exc.stacktrace.frames):
            result = self.frames.get((e_index, f_index))
            if result is not None and result.frame is not None:
                any_resolved = True
                frames.append(dataclasses.replace(result.frame, provenance=result.describe()))
            elif result is not None and result.failure:
                frame = dataclasses.replace(frame, resolve_failure=result.failure)
                frames.append(frame)
            else:
                frames.append(frame)
            annotated.append(frame)
        minified = dataclasses.replace(exc.stacktrace, frames=tuple(annotated))
        if not any_resolved:
            # Nothing to toggle between: keep the minified frames, with the reasons why.
            return dataclasses.replace(exc, stacktrace=minified)
        resolved = dataclasses.replace(exc.stacktrace, frames=tuple(frames))
        return dataclasses.replace(exc, stacktrace=resolved, raw_stacktrace=minified)


_Found = tuple[BinaryMap, Provenance]
MAX_CONCURRENT_FINDS = 4
"""Maps looked for at once: enough to overlap the round trips, few enough to spare a server."""


class Symbolicator:
    """`await Symbolicator(cache, sources).symbolicate(event)`; keeps opened maps for reuse."""

    def __init__(
        self, cache: SymbolCache, sources: Sequence[SymbolSource] = (), profile: str = ""
    ) -> None:
        self.cache = cache
        self.sources = list(sources)
        self.profile = profile
        """Whose frames these are: the missing maps are remembered per profile."""
        self._found: dict[MapRequest, _Found] = {}
        self._looked: dict[MapRequest, tuple[Attempt, ...]] = {}
        self._adding = asyncio.Lock()

    async def symbolicate(self, event: Event, issue: str = "") -> SymbolicationResult:
        """Resolve `event`'s minified frames; maps not found are remembered for `issue` (a short
        id, else the event's issue id) in the cache's missing list."""
        result = SymbolicationResult()
        debug_ids = _debug_ids(event)
        failures: dict[MapRequest, str] = {}
        frames: list[tuple[int, int, Frame]] = []
        for e_index, exc in enumerate(event.exceptions):
            if exc.raw_stacktrace is not None:
                result.skipped[e_index] = "already resolved by the server"
                continue
            for f_index, frame in enumerate(exc.stacktrace.frames if exc.stacktrace else ()):
                if needs_symbolication(frame, event.platform):
                    frames.append((e_index, f_index, frame))
        requests: dict[MapRequest, None] = {}  # distinct, in frame order
        for _, _, frame in frames:
            with contextlib.suppress(InvalidURL):  # `resolve` reports it for the frame
                requests[_map_request(frame, debug_ids, event.project)] = None
        await self._find_all(list(requests), failures)
        for e_index, f_index, frame in frames:
            resolution = await self.resolve(frame, debug_ids, failures, event.project)
            result.frames[(e_index, f_index)] = resolution
        self._remember_missing(event, issue, [f for _, _, f in frames], debug_ids, failures)
        return result

    def _remember_missing(
        self,
        event: Event,
        issue: str,
        frames: list[Frame],
        debug_ids: dict[str, str],
        failures: dict[MapRequest, str],
    ) -> None:
        needing: dict[MapRequest, list[NeedingFrame]] = {}
        for frame in frames:
            with contextlib.suppress(InvalidURL):
                request = _map_request(frame, debug_ids, event.project)
                if request in failures:
                    needing.setdefault(request, []).append(
                        NeedingFrame(
                            _frame_location(frame),
                            frame.function,
                            issue or event.issue_id,
                            event.id,
                        )
                    )
        needs = [
            Need(_request_keys(r), tuple(f), self._looked.get(r, ())) for r, f in needing.items()
        ]
        with contextlib.suppress(OSError, SourceMapError):  # remembering must not cost the trace
            self.cache.missing.record(self.profile, needs)

    async def resolve(
        self,
        frame: Frame,
        debug_ids: dict[str, str] | None = None,
        failures: dict[MapRequest, str] | None = None,
        project: str = "",
    ) -> FrameResolution:
        try:
            request = _map_request(frame, debug_ids or {}, project)
        except InvalidURL as exc:
            return FrameResolution(frame, failure=f"no source map: {exc}")
        failures = {} if failures is None else failures
        await self._find_all([request], failures)
        if request in failures:
            return FrameResolution(frame, failure=failures[request])
        binary, provenance = self._found[request]
        try:
            resolved, note = resolve_frame(frame, binary.view)
        except Unresolved as exc:
            return FrameResolution(frame, provenance=provenance, failure=str(exc))
        return FrameResolution(frame, resolved, provenance, note=note)

    async def _find_all(self, requests: list[MapRequest], failures: dict[MapRequest, str]) -> None:
        """Look for the maps not yet found or failed, `MAX_CONCURRENT_FINDS` at a time: a trace
        through many bundles waits for the slowest source, not for the sum of them."""
        slots = asyncio.Semaphore(MAX_CONCURRENT_FINDS)

        async def find(request: MapRequest) -> None:
            async with slots:
                outcome = await self._find(request)
            if isinstance(outcome, _Missing):
                failures[request] = outcome.reason
                self._looked[request] = outcome.looked
            else:
                self._found[request] = outcome
                self._looked.pop(request, None)

        pending = [r for r in requests if r not in self._found and r not in failures]
        await asyncio.gather(*(find(r) for r in pending))

    async def _find(self, request: MapRequest) -> _Found | _Missing:
        for key, how in (
            (CacheKey("debug_id", request.debug_id), FoundBy.DEBUG_ID),
            (CacheKey("chunk_id", request.chunk_id), FoundBy.CHUNK_ID),
        ):
            if key.value and (cached := self.cache.find(key)):
                location = shown_path(cached.location)
                return cached.binary, Provenance(how, location, "cache", cached=True)
        looked: list[Attempt] = []
        url_checked = False
        for source in self.sources:
            if getattr(source, "remote", True) and not url_checked:
                url_checked = True
                if hit := self._cached_by_url(request):
                    return hit
            found = await self._ask(source, request, looked)
            if isinstance(found, str):
                return _Missing(found, (_cache_miss(request), *looked))
            if found is not None:
                return found
        if not url_checked and (hit := self._cached_by_url(request)):
            return hit
        return _Missing(_no_map_reason(request, looked), (_cache_miss(request), *looked))

    def _cached_by_url(self, request: MapRequest) -> _Found | None:
        hit = self.cache.find(CacheKey("url", normalize_url(request.abs_path)))
        if hit is None:
            return None
        try:
            how = FoundBy(hit.how)
        except ValueError:
            how = FoundBy.URL_SUFFIX
        return hit.binary, Provenance(how, shown_path(hit.location), "cache", cached=True)

    async def _ask(
        self, source: SymbolSource, request: MapRequest, looked: list[Attempt]
    ) -> _Found | str | None:
        """The map `source` has for `request`; a reason when it has a corrupt one; None when it
        has none, with where it looked and why that failed added to `looked`."""
        try:
            found = await source.find(request)
        except LookupFailed as exc:
            looked.append(Attempt(shown_path(source.name), "failed", shown_path(str(exc))))
            return None
        except Exception as exc:  # a plug-in source failing must not lose the other frames
            detail = shown_path(f"{type(exc).__name__}: {exc}")
            looked.append(Attempt(shown_path(source.name), "failed", detail))
            return None
        if found is None:
            looked.append(Attempt(shown_path(source.name), "not found"))
            return None
        location = _in_folder(found.location, getattr(source, "directory", None))
        keys = [CacheKey("url", normalize_url(request.abs_path))]
        if request.debug_id:
            keys.append(CacheKey("debug_id", request.debug_id))
        if request.chunk_id:
            keys.append(CacheKey("chunk_id", request.chunk_id))
        try:
            async with self._adding:  # one writer at a time, though the fetches overlap
                _, binary = await asyncio.to_thread(
                    self.cache.add,
                    found.map_bytes,
                    minified=found.minified,
                    keys=keys,
                    how=str(found.how),
                    location=location,
                )
        except SourceMapError as exc:
            looked.append(Attempt(shown_path(source.name), "invalid map", f"{location}: {exc}"))
            return f"corrupt source map {location}: {exc}"
        self.cache.missing.found(str(k) for k in keys)
        return binary, Provenance(found.how, location, shown_path(source.name))


_JS_PLATFORMS = frozenset({"javascript", "node", "web:javascript", "node:javascript"})
_JS_SUFFIXES = (".js", ".mjs", ".cjs")
_ORIGINAL_SUFFIXES = (".ts", ".tsx", ".jsx", ".mts", ".cts", ".vue", ".svelte", ".coffee")
"""Files a bundler reads, never emits: a frame pointing at one was resolved already."""
_MAP_RELATIVE = ("../", "./")
"""How a source map names its sources; a served or run file never has such a path."""


def needs_symbolication(frame: Frame, platform: str = "") -> bool:
    """JavaScript frames that point into a generated file.

    Left alone, as Sentry does: other languages, frames without file or line, native code,
    Node built-ins; and frames already pointing at original sources (PostHog sends resolved
    `src/lib/cart.ts` and `../../src/lib/cart.js` frames, paths as the map's `sources` name them).
    """
    path = frame.abs_path
    if not path or frame.lineno is None or path in ("native", "[native code]"):
        return False
    bare = path.split("?", 1)[0].split("#", 1)[0]
    if bare.endswith(_ORIGINAL_SUFFIXES) or bare.startswith(_MAP_RELATIVE):
        return False
    javascript = (frame.platform or platform) in _JS_PLATFORMS or bare.endswith(_JS_SUFFIXES)
    return (
        javascript and not path.startswith(("node:", "internal/")) and ("/" in path or "\\" in path)
    )


def _debug_ids(event: Event) -> dict[str, str]:
    found = {}
    for image in event.debug_images:
        if image.type == "sourcemap" and image.code_file and image.debug_id:
            found[image.code_file] = image.debug_id
            with contextlib.suppress(InvalidURL):  # still matched by its exact text
                found[normalize_url(image.code_file)] = image.debug_id
    return found


def _map_request(frame: Frame, debug_ids: dict[str, str], project: str) -> MapRequest:
    """What to look a frame's map up by; `InvalidURL` when its path cannot be a key."""
    normalize_url(frame.abs_path)  # every lookup keys on it
    return MapRequest(frame.abs_path, _debug_id_for(frame, debug_ids), frame.chunk_id, project)


def _debug_id_for(frame: Frame, debug_ids: dict[str, str]) -> str:
    return debug_ids.get(frame.abs_path) or debug_ids.get(normalize_url(frame.abs_path), "")


def shown_path(text: str) -> str:
    """`text` with the home directory as `~`: this machine's paths stay out of screenshots."""
    home = str(Path.home())
    return text.replace(home + "/", "~/") if home not in ("", "/") else text


def _in_folder(location: str, folder: Path | None) -> str:
    """A map found in a symbol folder, named relative to it (the provenance names the folder)."""
    if folder is not None:
        try:
            return str(Path(location).relative_to(folder))
        except ValueError:
            pass  # not inside the folder (a URL, a symlink target): fall through
    return shown_path(location)


def _no_map_reason(request: MapRequest, looked: list[Attempt]) -> str:
    where = "; ".join(_said(a) for a in looked) if looked else "no symbol sources configured"
    return f"no source map found for {_wanted(request)} ({where})"


def _said(attempt: Attempt) -> str:
    """An attempt as the frame's reason words it (the source's own message when it gave one)."""
    if attempt.kind == "not found":
        return f"{attempt.where}: no match"
    return f"{attempt.where}: {attempt.detail}" if attempt.detail else attempt.describe()


def _wanted(request: MapRequest) -> str:
    wanted = [f"url {request.abs_path}"]
    if request.debug_id:
        wanted.insert(0, f"debug id {request.debug_id}")
    if request.chunk_id:
        wanted.insert(0, f"chunk id {request.chunk_id}")
    return ", ".join(wanted)


def _cache_miss(request: MapRequest) -> Attempt:
    return Attempt("local cache", "cache miss", f"no map for {_wanted(request)}")


def _request_keys(request: MapRequest) -> tuple[str, ...]:
    """The cache keys a map for `request` would be filed under, the most specific first."""
    keys = [CacheKey("debug_id", request.debug_id), CacheKey("chunk_id", request.chunk_id)]
    with contextlib.suppress(InvalidURL):
        keys.append(CacheKey("url", normalize_url(request.abs_path)))
    return tuple(str(k) for k in keys if k.value)


def _frame_location(frame: Frame) -> str:
    place = [frame.abs_path, *(str(n) for n in (frame.lineno, frame.colno) if n is not None)]
    return ":".join(place)


@dataclass(frozen=True)
class _Missing:
    reason: str
    looked: tuple[Attempt, ...]
