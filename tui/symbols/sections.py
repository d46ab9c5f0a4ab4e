"""Flatten an index map (`sections`) into one `DecodedMap`.

Each section's tokens are shifted by its offset. A source-less token is placed at every section
start so that, like Mozilla's `IndexedSourceMapConsumer`, a lookup never falls back into the
previous section's tokens.
"""

from __future__ import annotations

import operator
from array import array
from collections.abc import Callable
from itertools import accumulate
from typing import Any

from tui.symbols.decode import HAS_NAME, HAS_SOURCE, DecodedMap
from tui.symbols.errors import MalformedMap
from tui.symbols.jsonscan import LazyStrings

Row = tuple[int, int, int, int, int, int, int]
"""(line, column, source, source line, source column, name, flags)"""
MAX_LINES = 1 << 22
"""Generated lines an index map may span. The decoded map keeps one entry per line, so a
section `offset.line` of 1e9 would otherwise allocate gigabytes before any check; 4 million
lines is past any real bundle (minified ones have a few, dev builds some hundred thousand)."""
MAX_COLUMN = (1 << 32) - 1
"""Columns are stored as unsigned 32-bit numbers."""


def decode_index_map(obj: dict[str, Any], decode: Callable[[Any], DecodedMap]) -> DecodedMap:
    sections = obj.get("sections")
    if not isinstance(sections, list):
        raise MalformedMap("`sections` must be a list")
    merged = DecodedMap(
        *(array("I"), array("I"), array("I"), array("I"), array("I"), array("I")),
        flags=bytearray(),
        sources=[],
        names=[],
        contents=LazyStrings(),
    )
    rows: list[Row] = []
    previous = (-1, -1)
    for section in sections:
        line, column, sub = _section_parts(section)
        if (line, column) <= previous:
            raise MalformedMap("section offsets must be ordered and non-overlapping")
        previous = (line, column)
        child = decode(sub)
        rows.extend(_shifted_rows(child, line, column, len(merged.sources), len(merged.names)))
        merged.ignore_list.extend(i + len(merged.sources) for i in child.ignore_list)
        merged.sources.extend(child.sources)
        merged.names.extend(child.names)
        merged.contents.extend(child.contents)
        merged.debug_id = merged.debug_id or child.debug_id
    _fill_columns(merged, rows)
    debug_id = obj.get("debug_id") or obj.get("debugId")
    if isinstance(debug_id, str):
        merged.debug_id = debug_id
    file = obj.get("file")
    merged.file = file if isinstance(file, str) else ""
    return merged


def _section_parts(section: Any) -> tuple[int, int, dict[str, Any]]:
    if not isinstance(section, dict):
        raise MalformedMap("each section must be an object")
    if "url" in section:
        raise MalformedMap("sections that point at a `url` are not supported")
    offset, sub = section.get("offset"), section.get("map")
    if not isinstance(offset, dict) or not isinstance(sub, dict):
        raise MalformedMap("a section needs an `offset` object and a `map` object")
    line, column = offset.get("line"), offset.get("column")
    if type(line) is not int or type(column) is not int or line < 0 or column < 0:
        raise MalformedMap("a section offset needs non-negative integer `line` and `column`")
    if line >= MAX_LINES or column > MAX_COLUMN:
        raise MalformedMap(f"section offset {line}:{column} is past any real generated file")
    if "sections" in sub:
        raise MalformedMap("nested index maps are not allowed")
    return line, column, sub


def _shifted_rows(child: DecodedMap, line: int, column: int, src0: int, name0: int) -> list[Row]:
    rows: list[Row] = [(line, column, 0, 0, 0, 0, 0)]
    starts = child.line_starts
    if line + len(starts) - 1 > MAX_LINES:
        raise MalformedMap(f"a section at line {line} runs past {MAX_LINES} generated lines")
    first_line = child.gen_col[starts[0] : starts[1]] if len(starts) > 1 else ()
    if column and first_line and max(first_line) + column > MAX_COLUMN:
        raise MalformedMap(f"a section at column {column} runs past the largest column")
    for child_line in range(len(starts) - 1):
        shift = column if child_line == 0 else 0
        for i in range(starts[child_line], starts[child_line + 1]):
            flags = child.flags[i]
            rows.append(
                (
                    line + child_line,
                    child.gen_col[i] + shift,
                    child.source[i] + src0 if flags & HAS_SOURCE else 0,
                    child.src_line[i],
                    child.src_col[i],
                    child.name[i] + name0 if flags & HAS_NAME else 0,
                    flags,
                )
            )
    if len(rows) > 1 and rows[1][:2] == rows[0][:2]:
        del rows[0]  # a real token at the section start wins over the placeholder
    return rows


def _fill_columns(merged: DecodedMap, rows: list[Row]) -> None:
    rows.sort(key=operator.itemgetter(0, 1))
    columns = (merged.gen_col, merged.source, merged.src_line, merged.src_col, merged.name)
    for index, column in enumerate(columns, start=1):
        column.extend(row[index] for row in rows)
    merged.flags.extend(row[6] for row in rows)
    n_lines = rows[-1][0] + 1 if rows else 0
    counts = array("I", [0]) * (n_lines + 1)  # 4 bytes a line, not a list's 8
    for row in rows:
        counts[row[0] + 1] += 1
    merged.line_starts.extend(accumulate(counts))
