"""The on-disk store of one profile: events by id (immutable, so reopening one is free) and
the last synced issues and latest events, which `--offline` browses.

Plain JSON files under `app_dirs().cache / "store" / <profile>`, written atomically, private to
the user (0700 folders, 0600 files), pruned least-recently-used past a size bound. It holds
only what the server answered: never a token, never a header.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from tui import config
from tui.model import Event, Issue, to_jsonable
from tui.store_codec import from_jsonable

MAX_BYTES = 64 * 1024 * 1024
MAX_ISSUES = 5000
"""Issues kept in the synced index, most recently seen first."""
FORMAT = 1
T = TypeVar("T")


@dataclass(frozen=True)
class Stored(Generic[T]):  # noqa: UP046 (Python 3.11 has no `class Stored[T]`)
    value: T
    saved: float
    """Epoch seconds when the server answered it."""


class Store:
    """One profile's store. Reads that find nothing (or a file that no longer decodes) return
    None: the store is a cache, never the source of truth."""

    def __init__(
        self,
        directory: Path,
        *,
        max_bytes: int = MAX_BYTES,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.directory = directory
        self.max_bytes = max_bytes
        self._clock = clock

    @classmethod
    def for_profile(cls, profile: str) -> Store:
        return cls(config.app_dirs().cache / "store" / _safe_name(profile))

    # -- events --------------------------------------------------------------------------

    def save_event(self, issue_id: str, ref: str, event: Event) -> None:
        """Keep `event`, asked for as `ref` ("latest" or its id): under its id for good, and
        under `ref` as what the server last said it was."""
        record = {"saved": self._clock(), "event": to_jsonable(event)}
        # Asked by short id, answered with the numeric one: found again by either.
        for key in {issue_id, event.issue_id or issue_id}:
            for name in {ref, event.id}:
                self._write(self._event_path(key, name), record)
        self.prune()

    def event(self, issue_id: str, ref: str) -> Stored[Event] | None:
        path = self._event_path(issue_id, ref)
        record = self._read(path)
        if record is None:
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # least recently *used* is what pruning drops
        try:
            return Stored(from_jsonable(Event, record["event"]), float(record["saved"]))
        except (ValueError, KeyError, TypeError):
            return None

    # -- issues --------------------------------------------------------------------------

    def save_issues(self, issues: Iterable[Issue], *, listing: bool = False) -> None:
        """Remember `issues` as seen now; with `listing`, they are the list as last synced."""
        index = self._issue_index()
        now = self._clock()
        fresh = {i.id: {"saved": now, "issue": to_jsonable(i)} for i in issues}
        items = {**fresh, **{k: v for k, v in index["items"].items() if k not in fresh}}
        index["items"] = dict(list(items.items())[:MAX_ISSUES])
        if listing:
            index["listed"] = [i for i in fresh if i in index["items"]]
            index["synced"] = now
        self._write(self._index_path, index)

    def listed_issues(self) -> Stored[list[Issue]] | None:
        """The issue list as last synced, or None when it never was."""
        index = self._issue_index()
        if index.get("synced") is None:
            return None
        issues = [self._decoded_issue(index["items"].get(i)) for i in index["listed"]]
        return Stored([i.value for i in issues if i is not None], float(index["synced"]))

    def issue(self, issue_id: str) -> Stored[Issue] | None:
        """An issue seen before, by id or short id."""
        items = self._issue_index()["items"]
        record = items.get(issue_id)
        if record is None:
            wanted = issue_id.upper()
            record = next(
                (r for r in items.values() if str(r["issue"].get("short_id")).upper() == wanted),
                None,
            )
        return self._decoded_issue(record)

    @property
    def synced(self) -> float | None:
        """When anything was last stored, or None for an empty store."""
        index = self._issue_index()
        times = [float(r["saved"]) for r in index["items"].values()]
        return max(times, default=None)

    # -- projects ------------------------------------------------------------------------

    def project_ids(self) -> dict[str, str]:
        """Project slug (or id) -> id, as the server last listed them."""
        record = self._read(self.directory / "projects.json")
        ids = record.get("ids") if record else None
        return {str(k): str(v) for k, v in ids.items()} if isinstance(ids, dict) else {}

    def save_project_ids(self, ids: dict[str, str]) -> None:
        self._write(self.directory / "projects.json", {"ids": ids})

    # -- disk ----------------------------------------------------------------------------

    def prune(self) -> None:
        """Drop the least recently used events until the store fits `max_bytes`."""
        files = []
        for path in (self.directory / "events").glob("*.json"):
            with contextlib.suppress(OSError):
                stat = path.stat()
                files.append((stat.st_mtime, stat.st_size, path))
        total = sum(size for _, size, _ in files)
        for _, size, path in sorted(files):
            if total <= self.max_bytes:
                break
            with contextlib.suppress(OSError):
                path.unlink()
                total -= size

    @property
    def _index_path(self) -> Path:
        return self.directory / "issues.json"

    def _issue_index(self) -> dict[str, Any]:
        index = self._read(self._index_path) or {}
        if not isinstance(index.get("items"), dict) or not isinstance(index.get("listed"), list):
            return {"items": {}, "listed": [], "synced": None}
        return index

    def _decoded_issue(self, record: Any) -> Stored[Issue] | None:
        try:
            return Stored(from_jsonable(Issue, record["issue"]), float(record["saved"]))
        except (ValueError, KeyError, TypeError):
            return None

    def _event_path(self, issue_id: str, ref: str) -> Path:
        digest = hashlib.sha256(f"{issue_id}\0{ref}".encode()).hexdigest()[:32]
        return self.directory / "events" / f"{digest}.json"

    def _read(self, path: Path) -> dict[str, Any] | None:
        try:
            data = json.loads(path.read_bytes())
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return None
        return data

    def _write(self, path: Path, data: dict[str, Any]) -> None:
        """Atomically: a reader sees the old file or the new one, never half of it. A cache
        that cannot be written (disk full, read-only home) must not fail what the server
        answered, so that is given up quietly."""
        with contextlib.suppress(OSError):
            self._replace(path, data)

    def _replace(self, path: Path, data: dict[str, Any]) -> None:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        for folder in (self.directory, path.parent):
            folder.chmod(0o700)
        fd, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")  # created 0600
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                # ASCII escapes keep lone surrogates (hostile server text) writable.
                json.dump({**data, "format": FORMAT}, out)
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise


def _safe_name(profile: str) -> str:
    """A profile name as one path segment, whatever characters it holds."""
    readable = "".join(c if c.isalnum() or c in "-_" else "_" for c in profile)[:40]
    return f"{readable}-{hashlib.sha256(profile.encode()).hexdigest()[:8]}"
