"""Decode a source map (regular or index map) into flat `array` columns.

Speed comes from three things (see SYMBOLS.md): `mappings` is split with `str.split`, each
distinct segment string is VLQ-decoded once, and the running values are summed with
`itertools.accumulate` straight into `array('I')` columns, so no per-token Python loop runs.
"""

from __future__ import annotations

import codecs
import json
import operator
import struct
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import accumulate, islice
from typing import Any, TypeAlias

from tui.symbols.errors import (
    IndexOutOfRange,
    InvalidJSON,
    InvalidVLQ,
    MalformedMap,
    NegativeValue,
    SourceMapError,
    UnsupportedVersion,
)

_B64 = {
    c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
}
_CHUNK = 1 << 16
"""Characters of `mappings` split at a time, which bounds the transient list of segment strings."""
_MEMO_LIMIT = 1 << 14
"""Decoded segments kept for reuse; bounded, because 70k memo entries cost 15 MB."""
HAS_SOURCE = 1
HAS_NAME = 2


@dataclass
class DecodedMap:
    """A whole source map in memory.

    Token `i` sits at generated line `l` when `line_starts[l] <= i < line_starts[l + 1]`.
    `source` and `name` are only meaningful where `flags[i]` has `HAS_SOURCE` / `HAS_NAME`.
    """

    line_starts: array[int]
    gen_col: array[int]
    source: array[int]
    src_line: array[int]
    src_col: array[int]
    name: array[int]
    flags: bytearray
    sources: list[str]
    names: list[str]
    contents: list[str | None]
    ignore_list: list[int] = field(default_factory=list)
    debug_id: str = ""
    file: str = ""


def load_map_json(data: bytes | str) -> dict[str, Any]:
    """Parse the JSON of a map, skipping the `)]}'` XSSI prefix some servers add."""
    if isinstance(data, str):
        data = data.encode("utf-8", errors="surrogatepass")
    data = data.removeprefix(b"\xef\xbb\xbf")
    if data.startswith(b")]}'"):
        data = data.split(b"\n", 1)[1] if b"\n" in data else b""
    try:
        obj = json.loads(_ascii_json(data))
    except ValueError as exc:
        raise InvalidJSON(f"not valid JSON: {exc}") from None
    if not isinstance(obj, dict):
        raise InvalidJSON("a source map must be a JSON object")
    return obj


def _ascii_json(data: bytes) -> bytes:
    """The same JSON with every non-ASCII character written as a `\\u` escape.

    One emoji in `sourcesContent` would otherwise make Python hold the whole map text at four
    bytes a character (28 MB for a 7 MB map); non-ASCII can only occur inside JSON strings.
    """
    if data.isascii():
        return data
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    parts = []
    for start in range(0, len(data), _CHUNK * 16):
        text = decoder.decode(data[start : start + _CHUNK * 16])
        parts.append(text.encode("ascii", errors=_JSON_ESCAPE))
    parts.append(decoder.decode(b"", final=True).encode("ascii", errors=_JSON_ESCAPE))
    return b"".join(parts)


def _json_escape(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    out = []
    for char in error.object[error.start : error.end]:
        code = ord(char)
        if code > 0xFFFF:
            code -= 0x10000
            out.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
        else:
            out.append(f"\\u{code:04x}")
    return "".join(out), error.end


_JSON_ESCAPE = "stackdeck-json-escape"
codecs.register_error(_JSON_ESCAPE, _json_escape)


def decode_map(data: bytes | str | dict[str, Any]) -> DecodedMap:
    """Decode a map from its bytes, text or parsed JSON; corrupt maps raise `SourceMapError`."""
    obj = data if isinstance(data, dict) else load_map_json(data)
    if obj.get("version") != 3:
        raise UnsupportedVersion(f"unsupported source map version {obj.get('version')!r}")
    if "sections" in obj:
        from tui.symbols.sections import decode_index_map

        return decode_index_map(obj, decode_map)
    return _decode_regular(obj)


def _decode_regular(obj: dict[str, Any]) -> DecodedMap:
    mappings = obj.get("mappings")
    if not isinstance(mappings, str):
        raise MalformedMap("`mappings` must be a string")
    root = _optional_str(obj, "sourceRoot")
    sources = [join_source_root(root, s) for s in _str_list(obj, "sources", allow_null=True)]
    names = _str_list(obj, "names", allow_null=False)
    contents = _contents(obj, len(sources))
    ignore = _ignore_list(obj, len(sources))
    line_starts, (gen_col, source, src_line, src_col, name), flags = decode_mappings(
        mappings, len(sources), len(names)
    )
    debug_id = obj.get("debug_id") or obj.get("debugId") or ""
    return DecodedMap(
        line_starts,
        gen_col,
        source,
        src_line,
        src_col,
        name,
        flags,
        sources=sources,
        names=names,
        contents=contents,
        ignore_list=ignore,
        debug_id=debug_id if isinstance(debug_id, str) else "",
        file=_optional_str(obj, "file"),
    )


def join_source_root(root: str, source: str) -> str:
    """Prefix `source` with `sourceRoot` the way browsers and Mozilla's library do."""
    if not root or "://" in source or source.startswith("/") or source.startswith("data:"):
        return source
    return root if not source else root.rstrip("/") + "/" + source


def _optional_str(obj: dict[str, Any], key: str) -> str:
    value = obj.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise MalformedMap(f"`{key}` must be a string")
    return value


def _str_list(obj: dict[str, Any], key: str, *, allow_null: bool) -> list[str]:
    value = obj.get(key, [])
    if not isinstance(value, list):
        raise MalformedMap(f"`{key}` must be a list")
    if allow_null:
        value = ["" if v is None else v for v in value]
    if not all(isinstance(v, str) for v in value):
        raise MalformedMap(f"`{key}` must hold strings only")
    return value


def _contents(obj: dict[str, Any], n_sources: int) -> list[str | None]:
    value = obj.get("sourcesContent") or []
    if not isinstance(value, list):
        raise MalformedMap("`sourcesContent` must be a list")
    contents = [v if isinstance(v, str) else None for v in value[:n_sources]]
    return contents + [None] * (n_sources - len(contents))


def _ignore_list(obj: dict[str, Any], n_sources: int) -> list[int]:
    value = obj.get("ignoreList") or obj.get("x_google_ignoreList") or []
    if not isinstance(value, list) or not all(type(v) is int for v in value):
        raise MalformedMap("`ignoreList` must be a list of integers")
    bad = [v for v in value if not 0 <= v < n_sources]
    if bad:
        raise IndexOutOfRange(f"`ignoreList` entry {bad[0]} is not a source index")
    return sorted(set(value))


_SINGLE = [-(v >> 1) if v & 1 else v >> 1 for v in range(32)]
"""Signed values of the one-character VLQ numbers, the most common kind."""
_PADDING: dict[int, tuple[int, ...]] = {
    1: (0, 0, 0, 0, 0),
    4: (0, HAS_SOURCE),
    5: (HAS_SOURCE | HAS_NAME,),
}


def decode_segment(segment: str) -> tuple[int, ...]:
    """Decode one segment into `(dcol, dsrc, dline, dcol, dname, flags)` deltas."""
    values: list[int] = []
    append = values.append
    value = shift = 0
    try:
        for char in segment:
            digit = _B64[char]
            if digit < 32:
                if shift:
                    value |= digit << shift
                    append(-(value >> 1) if value & 1 else value >> 1)
                    value = shift = 0
                else:
                    append(_SINGLE[digit])
            else:
                value |= (digit - 32) << shift
                shift += 5
    except KeyError as exc:
        raise InvalidVLQ(f"invalid base64 VLQ character {exc.args[0]!r} in {segment!r}") from None
    if shift:
        raise InvalidVLQ(f"unterminated VLQ value in segment {segment!r}")
    padding = _PADDING.get(len(values))
    if padding is None:
        raise InvalidVLQ(f"segment {segment!r} has {len(values)} fields (1, 4 or 5 expected)")
    return (*values, *padding)


def _chunks(line: str) -> Iterator[list[str]]:
    """Split one generated line into lists of segments, cutting long lines at commas."""
    start, end = 0, len(line)
    while start < end:
        cut = line.find(",", start + _CHUNK) if end - start > _CHUNK else -1
        piece = line[start:] if cut < 0 else line[start:cut]
        segments = piece.split(",")
        if "" in segments:  # tolerate stray commas, as browsers do
            segments = [s for s in segments if s]
        yield segments
        start = end if cut < 0 else cut + 1


_Five: TypeAlias = "tuple[array[int], array[int], array[int], array[int], array[int]]"


def _transpose(rows: list[bytes]) -> list[array[int]]:
    """Six delta columns from packed six-field rows: one join, then strided slices."""
    flat = array("q")
    flat.frombytes(b"".join(rows))
    return [flat[k::6] for k in range(6)]


def _packed(segment: str) -> bytes:
    try:
        return _PACK(*decode_segment(segment))
    except struct.error:
        raise InvalidVLQ(f"a value in segment {segment!r} does not fit in 64 bits") from None


_PACK = struct.Struct("=6q").pack


class _Columns:
    """The running state of the decoder and the columns it fills."""

    def __init__(self) -> None:
        self.line_starts = array("I", [0])
        self.columns: _Five = (array("I"), array("I"), array("I"), array("I"), array("I"))
        self.flags = bytearray()
        self.unsorted: list[int] = []
        self._memo: dict[str, bytes] = {}
        """Each distinct segment decoded once, kept as six packed int64 deltas."""

    def add_line(self, line: str) -> None:
        first = True
        for segments in _chunks(line):
            memo = self._memo
            if len(memo) > _MEMO_LIMIT:
                memo.clear()
            for segment in set(segments).difference(memo):
                memo[segment] = _packed(segment)
            if segments:
                self._extend(_transpose(list(map(memo.__getitem__, segments))), first)
                first = False
        self.line_starts.append(len(self.flags))

    def _extend(self, deltas: list[array[int]], line_start: bool) -> None:
        gen_col = self.columns[0]
        col_deltas = deltas[0]
        if min(col_deltas[1:] if line_start else col_deltas, default=0) < 0:
            self.unsorted.append(len(self.line_starts) - 1)
        try:
            if line_start:
                gen_col.extend(accumulate(col_deltas))
            else:
                gen_col.extend(islice(accumulate(col_deltas, initial=gen_col[-1]), 1, None))
            for column, column_deltas in zip(self.columns[1:], deltas[1:5], strict=True):
                previous = column[-1] if column else 0
                column.extend(islice(accumulate(column_deltas, initial=previous), 1, None))
        except OverflowError:
            raise NegativeValue("a mapping value went below zero") from None
        self.flags.extend(iter(deltas[5]))  # iter(): not the raw 8-byte buffer


def decode_mappings(
    mappings: str, n_sources: int, n_names: int
) -> tuple[array[int], _Five, bytearray]:
    """Decode `mappings` into `(line_starts, (gen_col, source, src_line, src_col, name), flags)`.

    `source` and `name` hold running values; `flags` says whether a token has them (bit 1 a
    source, bit 2 a name), so a one-field segment costs no extra pass.
    """
    cols = _Columns()
    for line in mappings.split(";"):
        cols.add_line(line)
    _check_range(cols, HAS_SOURCE, 1, n_sources, "source")
    _check_range(cols, HAS_NAME, 4, n_names, "name")
    for row in cols.unsorted:
        _sort_line(cols.line_starts[row], cols.line_starts[row + 1], cols)
    return cols.line_starts, cols.columns, cols.flags


def _check_range(cols: _Columns, flag: int, index: int, size: int, what: str) -> None:
    # Running values of tokens without the field repeat an earlier checked value, so the
    # column maximum is a sound check as soon as one token carries the field.
    if not any(f & flag for f in set(cols.flags)):
        return
    largest = max(cols.columns[index])
    if largest >= size:
        raise IndexOutOfRange(f"a mapping points at {what} {largest} but there are {size}")


def _sort_line(start: int, end: int, cols: _Columns) -> None:
    """Order one line's tokens by generated column, as Mozilla's consumer does."""
    parts = (*(c[start:end] for c in cols.columns), cols.flags[start:end])
    rows = sorted(zip(*parts, strict=True), key=operator.itemgetter(0))
    for index, column in enumerate(cols.columns):
        column[start:end] = array("I", (row[index] for row in rows))
    cols.flags[start:end] = bytes(row[5] for row in rows)


__all__ = ["DecodedMap", "SourceMapError", "decode_map", "decode_mappings", "load_map_json"]
