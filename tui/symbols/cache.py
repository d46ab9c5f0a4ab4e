"""The persistent symbol cache: each map decoded once, then memory-mapped by every later process.

Files live under one directory (the app passes `tui.config.cache_dir() / "symbols"`):
`maps/<sha256 of the map>.sdmap` holds the binary form (see `binary.py`), and `index.json` maps
debug ids, PostHog chunk ids and normalised URLs to a content hash plus how it was found.
Least recently used entries go first when `prune` trims the directory; use touches the file.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tui.symbols.binary import BinaryMap, open_binary, write_binary
from tui.symbols.decode import decode_map
from tui.symbols.errors import SourceMapError
from tui.symbols.missing import MissingMaps

INDEX_VERSION = 1
_SUFFIX = ".sdmap"


class UnsafeCacheDir(SourceMapError):
    """A cache directory is a symbolic link or not a directory: maps are not cached there."""


@dataclass(frozen=True)
class CacheKey:
    """What a map is known by: `kind` is `debug_id`, `chunk_id` or `url`."""

    kind: str
    value: str

    def __str__(self) -> str:
        value = self.value.lower() if self.kind != "url" else self.value
        return f"{self.kind}:{value}"


@dataclass(frozen=True)
class CacheHit:
    """A cached map with the provenance recorded when it was first found."""

    digest: str
    binary: BinaryMap
    how: str
    location: str


@dataclass(frozen=True)
class CacheEntry:
    """One cached map, as `symbols list` shows it."""

    digest: str
    size: int
    last_used: float
    origin: str
    keys: tuple[str, ...]


class SymbolCache:
    def __init__(self, directory: Path, clock: Callable[[], float] = time.time) -> None:
        self.directory = Path(directory)
        self._clock = clock
        self._open: dict[str, BinaryMap] = {}

    @property
    def missing(self) -> MissingMaps:
        """The maps frames needed and did not get, kept beside the cache."""
        return MissingMaps(self.directory, self._clock)

    @property
    def index_path(self) -> Path:
        return self.directory / "index.json"

    def path_for(self, digest: str) -> Path:
        return self.directory / "maps" / f"{digest}{_SUFFIX}"

    def open(self, digest: str) -> BinaryMap | None:
        """Map the cached binary for `digest`; None when absent or written by another version."""
        if digest in self._open:
            return self._open[digest]
        if self.directory.is_symlink() or (self.directory / "maps").is_symlink():
            return None  # whoever made the link would choose the maps we read
        binary = open_binary(self.path_for(digest))
        if binary is not None:
            self._open[digest] = binary
            self._touch(binary.path)
        return binary

    def add(
        self,
        map_bytes: bytes,
        *,
        minified: bytes | str | None = None,
        keys: Iterable[CacheKey] = (),
        how: str = "",
        location: str = "",
    ) -> tuple[str, BinaryMap]:
        """Store a map (decoding it unless this content is cached already) and index its keys.

        Raises `SourceMapError` for a corrupt map, before anything is written.
        """
        import hashlib  # here: OpenSSL costs a few ms that `add_file`'s cache hits never pay

        digest = hashlib.sha256(map_bytes).hexdigest()
        binary = self.open(digest)
        if binary is None or (minified is not None and not binary.view.has_minified()):
            binary = self._build(digest, map_bytes, minified, location)
        keys = [*keys]
        if binary.view.debug_id:
            keys.append(CacheKey("debug_id", binary.view.debug_id))
        self._index(digest, keys, how, location)
        return digest, binary

    def add_file(self, path: Path) -> tuple[str, BinaryMap]:
        """`add` for a map file on disk, not read or hashed again while it keeps its stamp.

        The stamp (size, modification time in ns, inode) is what `make` and git trust too: a
        cached `sourcemap resolve` then costs a `stat` and a memory map, not a 5 MB read.
        """
        status = path.stat()
        stamp = [status.st_size, status.st_mtime_ns, status.st_ino]
        where = str(path.resolve())
        record = self._read_index()["files"].get(where)
        if record and record["stamp"] == stamp:
            binary = self.open(record["digest"])
            if binary is not None:
                return record["digest"], binary
        digest, binary = self.add(path.read_bytes(), location=str(path))
        index = self._read_index()
        index["files"][where] = {"digest": digest, "stamp": stamp}
        self._write_index(index)
        return digest, binary

    def _build(
        self, digest: str, map_bytes: bytes, minified: bytes | str | None, origin: str
    ) -> BinaryMap:
        decoded = decode_map(map_bytes)
        self._open.pop(digest, None)
        path = self.path_for(digest)
        _private_dir(self.directory)
        _private_dir(path.parent)
        write_binary(path, decoded, minified, {"origin": origin, "created": self._clock()})
        binary = open_binary(path)
        if binary is None:  # pragma: no cover - we just wrote it
            raise OSError(f"cannot read back {path}")
        self._open[digest] = binary
        self._touch(path)
        return binary

    def find(self, key: CacheKey) -> CacheHit | None:
        """The cached map indexed under `key`, if its file is still there and current."""
        record = self._read_index()["keys"].get(str(key))
        if not record:
            return None
        binary = self.open(record["digest"])
        if binary is None:
            return None
        return CacheHit(record["digest"], binary, record.get("how", ""), record.get("where", ""))

    def entries(self) -> list[CacheEntry]:
        index = self._read_index()
        by_digest: dict[str, list[str]] = {}
        for key, record in index["keys"].items():
            by_digest.setdefault(record["digest"], []).append(key)
        found = []
        for path in sorted((self.directory / "maps").glob(f"*{_SUFFIX}")):
            stat = path.stat()
            digest = path.stem
            origin = index["origins"].get(digest, "")
            keys = tuple(sorted(by_digest.get(digest, ())))
            found.append(CacheEntry(digest, stat.st_size, stat.st_mtime, origin, keys))
        return found

    def prune(self, max_bytes: int) -> list[str]:
        """Delete least recently used maps until the cache fits in `max_bytes`; return digests.

        Also removes temporary files an interrupted writer left behind more than an hour ago.
        """
        self._remove_stale_temporaries()
        entries = sorted(self.entries(), key=lambda e: e.last_used)
        total = sum(e.size for e in entries)
        removed = []
        for entry in entries:
            if total <= max_bytes:
                break
            self._open.pop(entry.digest, None)
            self.path_for(entry.digest).unlink(missing_ok=True)
            total -= entry.size
            removed.append(entry.digest)
        if removed:
            self._forget(set(removed))
        return removed

    def _remove_stale_temporaries(self) -> None:
        cutoff = self._clock() - 3600
        for path in (self.directory / "maps").glob(".tmp-*"):
            with contextlib.suppress(OSError):
                if path.stat().st_mtime < cutoff:
                    path.unlink()

    def _touch(self, path: Path) -> None:
        now = self._clock()
        with contextlib.suppress(OSError):
            os.utime(path, (now, now))

    def _read_index(self) -> dict[str, Any]:
        try:
            index = json.loads(self.index_path.read_text("utf-8"))
        except (OSError, ValueError):
            index = None
        if not isinstance(index, dict) or index.get("version") != INDEX_VERSION:
            return {"version": INDEX_VERSION, "keys": {}, "origins": {}, "files": {}}
        index.setdefault("files", {})  # absent from indexes written before `add_file`
        return index

    def _index(self, digest: str, keys: Iterable[CacheKey], how: str, location: str) -> None:
        index = self._read_index()
        records = {str(key): {"digest": digest, "how": how, "where": location} for key in keys}
        origins = {digest: location} if location else {}
        if records.items() <= index["keys"].items() and origins.items() <= index["origins"].items():
            return  # a cache hit: nothing new to write
        index["keys"].update(records)
        index["origins"].update(origins)
        self._write_index(index)
        self.missing.found(records)

    def _forget(self, digests: set[str]) -> None:
        index = self._read_index()
        index["keys"] = {k: r for k, r in index["keys"].items() if r["digest"] not in digests}
        index["origins"] = {d: o for d, o in index["origins"].items() if d not in digests}
        index["files"] = {p: r for p, r in index["files"].items() if r["digest"] not in digests}
        self._write_index(index)

    def _write_index(self, index: dict[str, Any]) -> None:
        write_private_json(self.index_path, index)


def write_private_json(path: Path, data: Any) -> None:
    """Replace `path` with `data` as JSON in one step, readable by this user alone (`mkstemp`
    creates 0600), in a directory that is not a symbolic link."""
    import tempfile  # here: a process that only reads the cache never writes

    _private_dir(path.parent)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(data, out, indent=0)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _private_dir(path: Path) -> None:
    """Create `path` (and its missing parents) for this user alone; refuse a symbolic link.

    Cached maps hold source code, and a link would let whoever made it choose where they are
    written and read from.
    """
    missing = [p for p in (path, *path.parents) if not os.path.lexists(p)]
    for directory in reversed(missing):
        directory.mkdir(mode=0o700, exist_ok=True)
    if path.is_symlink() or not path.is_dir():
        raise UnsafeCacheDir(f"{path} is a symbolic link or not a directory: remove it")
    if path.stat().st_mode & 0o077:
        path.chmod(0o700)
