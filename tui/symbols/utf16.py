"""Source-map and browser columns count UTF-16 code units; Python strings count code points.

Convert before slicing a line or drawing a caret under a column on a line with characters
outside the Basic Multilingual Plane (emoji and other astral characters count two units).
"""

from __future__ import annotations


def utf16_to_index(line: str, column: int) -> int:
    """The code-point index in `line` of the 0-based UTF-16 `column` (clamped to the line)."""
    if line.isascii() or column <= 0:
        return min(max(column, 0), len(line))
    units = 0
    for index, char in enumerate(line):
        if units >= column:
            return index
        units += 2 if ord(char) > 0xFFFF else 1
    return len(line)


def index_to_utf16(line: str, index: int) -> int:
    """The 0-based UTF-16 column of code-point `index` in `line`."""
    prefix = line[: max(index, 0)]
    return len(prefix) + sum(1 for char in prefix if ord(char) > 0xFFFF)
