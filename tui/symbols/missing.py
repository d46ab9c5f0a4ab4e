"""Maps that frames needed and did not get, remembered beside the symbol cache (`missing.json`).

One record per profile and map key (`debug_id:...`, `chunk_id:...` or `url:...`): the frames that
needed it, every place stackdeck looked with why that failed, and when it was first and last
needed. A map found later, by the symbolicator or `symbols add`, removes its record. The file is
bounded (records, frames and attempts are capped) and written like the cache index: atomically,
for this user alone, never through a symbolic link.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

FILE_NAME = "missing.json"
VERSION = 1
MAX_MAPS = 500
"""Records kept; the least recently needed go first."""
MAX_FRAMES = 20
"""Frames kept per map, the most recent."""
MAX_ATTEMPTS = 16
MAX_FILE_BYTES = 4 << 20
"""A larger file was not written by stackdeck: it is ignored, and replaced on the next write."""
MAX_TEXT = 500
"""Characters kept of any one string: a hostile path or server reason cannot bloat the file."""


@dataclass(frozen=True)
class Attempt:
    """One place looked in: `kind` is `cache miss`, `not found`, `failed` or `invalid map`."""

    where: str
    kind: str
    detail: str = ""

    def describe(self) -> str:
        return f"{self.where}: {self.kind}" + (f" ({self.detail})" if self.detail else "")


@dataclass(frozen=True)
class NeedingFrame:
    """A frame that needed the map, and the event it was seen in."""

    location: str
    """`file:line:col` as the minified frame names it."""
    function: str = ""
    issue: str = ""
    event: str = ""


@dataclass(frozen=True)
class MissingMap:
    key: str
    profile: str
    keys: tuple[str, ...]
    """Every key the map may be found by: finding any of them clears the record."""
    frames: tuple[NeedingFrame, ...]
    looked: tuple[Attempt, ...]
    first_needed: float
    last_needed: float


@dataclass(frozen=True)
class Need:
    """What the symbolicator reports for one map it could not get, for one event."""

    keys: tuple[str, ...]
    frames: tuple[NeedingFrame, ...]
    looked: tuple[Attempt, ...]


class MissingMaps:
    def __init__(self, directory: Path, clock: Callable[[], float] = time.time) -> None:
        self.directory = Path(directory)
        self._clock = clock

    @property
    def path(self) -> Path:
        return self.directory / FILE_NAME

    def record(self, profile: str, needs: Iterable[Need]) -> None:
        """Remember (or refresh) each map `profile`'s frames needed; one write for all."""
        needs = [n for n in needs if n.keys]
        if not needs:
            return
        records = self._read()
        now = self._clock()
        for need in needs:
            slot = _slot(profile, need.keys[0])
            old = records.get(slot, {})
            frames = _merged_frames(old.get("frames", []), need.frames)
            records[slot] = {
                "key": _clip(need.keys[0]),
                "profile": _clip(profile),
                "keys": [_clip(k) for k in need.keys],
                "frames": frames,
                "looked": [_clipped(asdict(a)) for a in need.looked[:MAX_ATTEMPTS]],
                "first": old.get("first", now),
                "last": now,
            }
        newest = sorted(records.items(), key=lambda item: item[1].get("last", 0), reverse=True)
        self._write(dict(newest[:MAX_MAPS]))

    def found(self, keys: Iterable[str]) -> None:
        """A map was found under `keys`: whatever needed it is no longer missing."""
        if not self.path.exists():
            return  # the common case: nothing to read, nothing to write
        wanted = {k.lower() for k in keys}
        records = self._read()
        kept = {
            slot: r
            for slot, r in records.items()
            if not wanted & {str(k).lower() for k in r.get("keys", ())}
        }
        if len(kept) != len(records):
            self._write(kept)

    def entries(self, profile: str | None = None) -> list[MissingMap]:
        """The records (of `profile`, or all), most recently needed first."""
        entries = [_entry(record) for record in self._read().values()]
        found = [e for e in entries if profile is None or e.profile == profile]
        return sorted(found, key=lambda e: e.last_needed, reverse=True)

    def _read(self) -> dict[str, dict[str, Any]]:
        path = self.path
        if self.directory.is_symlink() or path.is_symlink():
            return {}  # whoever made the link would choose what is shown
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                return {}
            data = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("version") != VERSION:
            return {}
        maps = data.get("maps")
        # A record this version cannot read (damaged, tampered, a later version's) is dropped,
        # the rest kept: record() and found() then only ever meet well-formed records.
        return {k: v for k, v in maps.items() if _readable(v)} if isinstance(maps, dict) else {}

    def _write(self, records: dict[str, dict[str, Any]]) -> None:
        from tui.symbols.cache import write_private_json

        write_private_json(self.path, {"version": VERSION, "maps": records})


def _slot(profile: str, key: str) -> str:
    return f"{profile}\n{key.lower()}"


def _clip(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def _clipped(values: dict[str, str]) -> dict[str, str]:
    return {k: _clip(str(v)) for k, v in values.items()}


def _merged_frames(old: list[Any], new: Iterable[NeedingFrame]) -> list[dict[str, str]]:
    """Earlier frames then these, each (location, event) once, the newest `MAX_FRAMES` kept."""
    merged: dict[tuple[str, str], dict[str, str]] = {}
    for frame in [*old, *(_clipped(asdict(f)) for f in new)]:
        if isinstance(frame, dict):
            merged.pop((frame.get("location", ""), frame.get("event", "")), None)
            merged[(frame.get("location", ""), frame.get("event", ""))] = frame
    return list(merged.values())[-MAX_FRAMES:]


def _readable(record: Any) -> bool:
    """`record` as record() writes it: finite times, and lists of keys, of frames and of
    attempts (dicts of strings)."""
    if not isinstance(record, dict):
        return False
    times: tuple[Any, ...] = (record.get("first"), record.get("last"))
    if not all(isinstance(t, int | float) and not isinstance(t, bool) for t in times):
        return False
    parts = [record.get(name) for name in ("keys", "frames", "looked")]
    if not all(isinstance(part, list) for part in parts):
        return False
    items = [*record["frames"], *record["looked"]]
    if not all(isinstance(item, dict) for item in items):
        return False
    if not all(isinstance(value, str) for item in items for value in item.values()):
        return False  # record() keys frames by their strings
    try:
        _entry(record)
        return all(math.isfinite(t) for t in times)
    except (KeyError, TypeError, ValueError, OverflowError):  # 10**400 is no float
        return False


def _entry(record: dict[str, Any]) -> MissingMap:
    return MissingMap(
        key=str(record["key"]),
        profile=str(record["profile"]),
        keys=tuple(str(k) for k in record["keys"]),
        frames=tuple(NeedingFrame(**_strings(f, NeedingFrame)) for f in record["frames"]),
        looked=tuple(Attempt(**_strings(a, Attempt)) for a in record["looked"]),
        first_needed=float(record["first"]),
        last_needed=float(record["last"]),
    )


def _strings(values: dict[str, Any], kind: type) -> dict[str, str]:
    """The fields `kind` has, as strings; unknown ones (a later version's) are dropped."""
    names = {f.name for f in fields(kind)}
    return {k: str(v) for k, v in values.items() if k in names}
