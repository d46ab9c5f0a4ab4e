"""Decode a source map (regular or index map): its JSON fields here, `mappings` in `mappings.py`.

Every problem with the map raises a `SourceMapError` subclass with a one-line reason.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from typing import Any

from tui.symbols.errors import (
    IndexOutOfRange,
    InvalidJSON,
    MalformedMap,
    SourceMapError,
    UnsupportedVersion,
)
from tui.symbols.jsonscan import LazyStrings, Span, load_skeleton, text
from tui.symbols.mappings import HAS_NAME, HAS_SOURCE, decode_mappings


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
    contents: LazyStrings
    """`sourcesContent`, each text decoded from the map's bytes when it is read."""
    ignore_list: list[int] = field(default_factory=list)
    debug_id: str = ""
    file: str = ""


def load_map_json(data: bytes | str) -> dict[str, Any]:
    """Parse the JSON of a map, skipping the `)]}'` XSSI prefix some servers add.

    Long strings (`mappings`, `sourcesContent`) stay in `data` as `Span`s (see `jsonscan.py`).
    """
    if isinstance(data, str):
        data = data.encode("utf-8", errors="surrogatepass")
    data = data.removeprefix(b"\xef\xbb\xbf")
    if data.startswith(b")]}'"):
        data = data.split(b"\n", 1)[1] if b"\n" in data else b""
    try:
        obj = load_skeleton(data)
    except ValueError as exc:
        raise InvalidJSON(f"not valid JSON: {exc}") from None
    if not isinstance(obj, dict):
        raise InvalidJSON("a source map must be a JSON object")
    return obj


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
    if not isinstance(mappings, str | Span):
        raise MalformedMap("`mappings` must be a string")
    root = _optional_str(obj, "sourceRoot")
    sources = [join_source_root(root, s) for s in _str_list(obj, "sources", allow_null=True)]
    names = _str_list(obj, "names", allow_null=False)
    contents = _contents(obj, len(sources))
    ignore = _ignore_list(obj, len(sources))
    line_starts, (gen_col, source, src_line, src_col, name), flags = decode_mappings(
        mappings, len(sources), len(names)
    )
    debug_id = text(obj.get("debug_id") or obj.get("debugId") or "")
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
    value = text(obj.get(key))
    if value is None:
        return ""
    if not isinstance(value, str):
        raise MalformedMap(f"`{key}` must be a string")
    return value


def _str_list(obj: dict[str, Any], key: str, *, allow_null: bool) -> list[str]:
    value = obj.get(key, [])
    if not isinstance(value, list):
        raise MalformedMap(f"`{key}` must be a list")
    value = [text(v) for v in value]
    if allow_null:
        value = ["" if v is None else v for v in value]
    if not all(isinstance(v, str) for v in value):
        raise MalformedMap(f"`{key}` must hold strings only")
    return value


def _contents(obj: dict[str, Any], n_sources: int) -> LazyStrings:
    value = obj.get("sourcesContent") or []
    if not isinstance(value, list):
        raise MalformedMap("`sourcesContent` must be a list")
    contents = [v if isinstance(v, str | Span) else None for v in value[:n_sources]]
    return LazyStrings(contents + [None] * (n_sources - len(contents)))


def _ignore_list(obj: dict[str, Any], n_sources: int) -> list[int]:
    value = obj.get("ignoreList") or obj.get("x_google_ignoreList") or []
    if not isinstance(value, list) or not all(type(v) is int for v in value):
        raise MalformedMap("`ignoreList` must be a list of integers")
    bad = [v for v in value if not 0 <= v < n_sources]
    if bad:
        raise IndexOutOfRange(f"`ignoreList` entry {bad[0]} is not a source index")
    return sorted(set(value))


__all__ = [
    "HAS_NAME",
    "HAS_SOURCE",
    "DecodedMap",
    "SourceMapError",
    "decode_map",
    "decode_mappings",
    "load_map_json",
]
