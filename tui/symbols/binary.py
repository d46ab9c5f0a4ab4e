"""The compact binary form of a decoded map, written once and memory-mapped by later processes.

Layout: a header (magic, format version, byte-order marker, section count), a table of
`(offset, length)` pairs, then 8-byte aligned sections, found through the table (the texts come
first in the file, streamed): six `u32` token columns, a `u8` flags column, string tables for
sources and names, the texts (`sourcesContent`, then the minified file) as one UTF-8 blob with
a per-text line-offset index, and a small JSON sidecar.
Opening it parses nothing: a lookup reads a few `u32`s, a context line is one slice.
"""

from __future__ import annotations

import json
import mmap
import operator
import os
import re
import struct
from array import array
from collections.abc import Iterable, Iterator, Sequence
from itertools import accumulate, chain, repeat
from pathlib import Path
from typing import Any, BinaryIO

from tui.symbols.decode import DecodedMap
from tui.symbols.mapview import MapView

FORMAT_VERSION = 1
MAGIC = b"SDSYMMAP"
_HEADER = struct.Struct("=8sIII")
_ENTRY = struct.Struct("=QQ")
_MARKER = 0x01020304
_N_SECTIONS = 15
_TEXT_ABSENT = 0xFFFFFFFF


class StringTable(Sequence[str]):
    """Strings stored as one UTF-8 blob and `u32` offsets; decoded one at a time on access."""

    def __init__(self, offsets: memoryview, blob: memoryview) -> None:
        self._offsets = offsets
        self._blob = blob

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __getitem__(self, index: int) -> str:  # type: ignore[override]
        if not 0 <= index < len(self):
            raise IndexError(index)
        start, stop = self._offsets[index], self._offsets[index + 1]
        return bytes(self._blob[start:stop]).decode("utf-8", errors="replace")

    def __iter__(self) -> Iterator[str]:
        return (self[i] for i in range(len(self)))


class MappedTexts:
    """A `TextStore` over the mapped blob: a line range costs one slice and one decode."""

    def __init__(self, table: memoryview, line_offsets: memoryview, blob: memoryview) -> None:
        self._table = table
        self._offsets = line_offsets
        self._blob = blob

    def has(self, index: int) -> bool:
        return 0 <= index < len(self._table) // 2 and self._table[2 * index] != _TEXT_ABSENT

    def line_count(self, index: int) -> int:
        return self._table[2 * index + 1] if self.has(index) else 0

    def lines(self, index: int, start: int, stop: int) -> list[str]:
        if not self.has(index):
            return []
        first, count = self._table[2 * index], self._table[2 * index + 1]
        start, stop = max(start, 0), min(stop, count)
        if start >= stop:
            return []
        begin = self._offsets[first + start]
        end = self._offsets[first + stop] - 1  # every stored line is followed by one b"\n"
        text = bytes(self._blob[begin:end]).decode("utf-8", errors="replace")
        return [line.removesuffix("\r") for line in text.split("\n")]


def _string_table(strings: Sequence[str]) -> tuple[array[int], bytes]:
    encoded = [s.encode("utf-8", errors="surrogatepass") for s in strings]
    return array("I", accumulate(map(len, encoded), initial=0)), b"".join(encoded)


_NEWLINE = re.compile(b"\n")
_END = operator.methodcaller("end")
_TEXTS = 13
"""The section of the text blob, written first and streamed (see `write_binary`)."""


def _write_texts(
    out: BinaryIO, texts: Iterable[str | bytes | None]
) -> tuple[array[int], array[int], int]:
    """Stream the texts into `out` one at a time; their table, line offsets and total length.

    Each text is encoded, written and dropped before the next is decoded from the map, so the
    peak of a map's first use holds one source text, not all of them.
    """
    table, offsets, length = array("I"), array("I"), 0
    for text in texts:
        if text is None:
            table.extend((_TEXT_ABSENT, 0))
            continue
        data = text if isinstance(text, bytes) else text.encode("utf-8", errors="surrogatepass")
        del text
        first = len(offsets)
        # Where each line starts, then the end of the text plus its b"\n": C-level maps over
        # the newlines, no per-line Python frame and no copy of the lines (a minified file is
        # one multi-megabyte line).
        offsets.append(length)
        offsets.extend(map(operator.add, map(_END, _NEWLINE.finditer(data)), repeat(length)))
        offsets.append(length + len(data) + 1)
        table.extend((first, len(offsets) - first - 1))
        out.write(data)
        out.write(b"\n")
        length += len(data) + 1
    return table, offsets, length


def _other_sections(
    decoded: DecodedMap, table: array[int], line_offsets: array[int], meta: dict[str, Any]
) -> dict[int, Any]:
    """Every section but the text blob, by section number, each a buffer."""
    sources_offsets, sources_blob = _string_table(decoded.sources)
    names_offsets, names_blob = _string_table(decoded.names)
    sidecar = {
        **meta,
        "debug_id": decoded.debug_id,
        "file": decoded.file,
        "ignore_list": decoded.ignore_list,
    }
    buffers = [
        decoded.line_starts,
        decoded.gen_col,
        decoded.source,
        decoded.src_line,
        decoded.src_col,
        decoded.name,
        decoded.flags,
        sources_offsets,
        sources_blob,
        names_offsets,
        names_blob,
        table,
        line_offsets,
    ]
    return {**dict(enumerate(buffers)), 14: json.dumps(sidecar).encode()}


def write_binary(
    path: Path, decoded: DecodedMap, minified: str | bytes | None, meta: dict[str, Any]
) -> None:
    """Write atomically: a temporary file in the same directory, then `os.replace`.

    Sections may sit in any order (the table says where each is): the texts go first, streamed,
    then the sections whose sizes are known only after them, then the header and table.
    """
    import tempfile  # here: opening a cached map, the common case, writes nothing

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as out:
            entries = [(0, 0)] * _N_SECTIONS
            start = _pad(out, _HEADER.size + _ENTRY.size * _N_SECTIONS)
            table, line_offsets, length = _write_texts(out, chain(decoded.contents, [minified]))
            entries[_TEXTS] = (start, length)
            for number, buffer in _other_sections(decoded, table, line_offsets, meta).items():
                section = memoryview(buffer).cast("B")
                entries[number] = (_pad(out, out.tell()), len(section))
                out.write(section)
            out.seek(0)
            out.write(_HEADER.pack(MAGIC, FORMAT_VERSION, _MARKER, _N_SECTIONS))
            for entry in entries:
                out.write(_ENTRY.pack(*entry))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _pad(out: BinaryIO, offset: int) -> int:
    """Seek to `offset` rounded up to 8 bytes, zero-filling; the aligned offset."""
    aligned = (offset + 7) & ~7
    out.seek(aligned)
    return aligned


def _view(mapped: mmap.mmap) -> tuple[MapView, dict[str, Any]]:
    whole = memoryview(mapped)
    sections = []
    for i in range(_N_SECTIONS):
        start, length = _ENTRY.unpack_from(mapped, _HEADER.size + i * _ENTRY.size)
        if start + length > len(mapped):
            raise ValueError("section past the end of the file")
        sections.append(whole[start : start + length])
    u32 = [s.cast("I") for s in sections[:6]]
    meta = json.loads(bytes(sections[14]))
    view = MapView(
        u32,
        sections[6],
        StringTable(sections[7].cast("I"), sections[8]),
        StringTable(sections[9].cast("I"), sections[10]),
        MappedTexts(sections[11].cast("I"), sections[12].cast("I"), sections[13]),
        meta.get("ignore_list", ()),
        meta.get("debug_id", ""),
    )
    return view, meta


class BinaryMap:
    """An open cache file: the `MapView` over it plus its sidecar metadata."""

    def __init__(self, path: Path, view: MapView, meta: dict[str, Any], mapped: mmap.mmap):
        self.path = path
        self.view = view
        self.meta = meta
        self._mmap = mapped


def read_header(data: bytes | mmap.mmap) -> tuple[bytes, int, int, int] | None:
    if len(data) < _HEADER.size:
        return None
    return _HEADER.unpack_from(data, 0)


def open_binary(path: Path) -> BinaryMap | None:
    """Map a cache file, or None when it is missing, truncated or of another format version."""
    try:
        with path.open("rb") as handle:
            mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):
        return None
    header = read_header(mapped)
    if header is None or header[:4] != (MAGIC, FORMAT_VERSION, _MARKER, _N_SECTIONS):
        return None
    try:
        view, meta = _view(mapped)
    except (struct.error, ValueError, TypeError):
        return None  # damaged: the caller rebuilds it from the map
    return BinaryMap(path, view, meta, mapped)
