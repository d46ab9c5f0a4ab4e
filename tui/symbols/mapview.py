"""Read access to a decoded map: lookups, names, sources and source lines.

The same `MapView` serves a map decoded in memory and one opened from the binary cache, where the
columns are memory-mapped `u32` views and the strings are decoded only when asked for.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from tui.symbols.decode import HAS_NAME, HAS_SOURCE, DecodedMap


@dataclass(frozen=True)
class Token:
    """One mapping, 0-based on both sides; `source`/`name` are indexes or None."""

    index: int
    dst_line: int
    dst_col: int
    source: int | None
    src_line: int
    src_col: int
    name: int | None


class TextStore(Protocol):
    """Source texts by index: each split into lines only as far as a caller needs."""

    def has(self, index: int) -> bool: ...

    def line_count(self, index: int) -> int: ...

    def lines(self, index: int, start: int, stop: int) -> list[str]: ...


class MemoryTexts:
    """A `TextStore` over Python strings, splitting each text once on first use."""

    def __init__(self, texts: Sequence[str | None]) -> None:
        self._texts = texts
        self._split: dict[int, list[str]] = {}

    def has(self, index: int) -> bool:
        return 0 <= index < len(self._texts) and self._texts[index] is not None

    def _lines(self, index: int) -> list[str]:
        if index not in self._split:
            self._split[index] = split_lines(self._texts[index] or "")
        return self._split[index]

    def line_count(self, index: int) -> int:
        return len(self._lines(index)) if self.has(index) else 0

    def lines(self, index: int, start: int, stop: int) -> list[str]:
        return self._lines(index)[max(start, 0) : stop] if self.has(index) else []


def split_lines(text: str) -> list[str]:
    """Split on `\\n` and drop a trailing `\\r`, the way Sentry reads context lines."""
    return [line.removesuffix("\r") for line in text.split("\n")]


class MapView:
    """Lookups over a decoded map; `texts` holds `sourcesContent` then the minified file."""

    def __init__(
        self,
        columns: Sequence[Sequence[int]],
        flags: Sequence[int],
        sources: Sequence[str],
        names: Sequence[str],
        texts: TextStore,
        ignore_list: Sequence[int] = (),
        debug_id: str = "",
    ) -> None:
        self.line_starts, self.gen_col, self.source, self.src_line, self.src_col, self.name = (
            columns
        )
        self.flags = flags
        self.sources = sources
        self.names = names
        self.texts = texts
        self.ignore_list = frozenset(ignore_list)
        self.debug_id = debug_id

    @classmethod
    def from_decoded(cls, decoded: DecodedMap, minified: str | None = None) -> MapView:
        columns = (
            decoded.line_starts,
            decoded.gen_col,
            decoded.source,
            decoded.src_line,
            decoded.src_col,
            decoded.name,
        )
        texts = MemoryTexts([*decoded.contents, minified])
        return cls(
            columns,
            decoded.flags,
            decoded.sources,
            decoded.names,
            texts,
            decoded.ignore_list,
            decoded.debug_id,
        )

    @property
    def token_count(self) -> int:
        return len(self.gen_col)

    def lookup(self, line: int, column: int) -> Token | None:
        """The token at or left of `(line, column)` on the same generated line (0-based)."""
        if line < 0 or line + 1 >= len(self.line_starts):
            return None
        start, end = self.line_starts[line], self.line_starts[line + 1]
        index = bisect_right(self.gen_col, column, start, end) - 1
        if index < start:
            return None
        return self.token(index, line)

    def token(self, index: int, line: int | None = None) -> Token:
        if line is None:
            line = bisect_right(self.line_starts, index) - 1
        flags = self.flags[index]
        return Token(
            index,
            line,
            self.gen_col[index],
            self.source[index] if flags & HAS_SOURCE else None,
            self.src_line[index],
            self.src_col[index],
            self.name[index] if flags & HAS_NAME else None,
        )

    def line_start_index(self, line: int) -> int:
        return self.line_starts[line]

    def name_of(self, token: Token) -> str | None:
        return None if token.name is None else self.names[token.name]

    def source_of(self, token: Token) -> str | None:
        return None if token.source is None else self.sources[token.source]

    def is_ignored(self, source: int) -> bool:
        return source in self.ignore_list

    @property
    def minified_index(self) -> int:
        """The text index of the minified file, when it was stored with the map."""
        return len(self.sources)

    def has_minified(self) -> bool:
        return self.texts.has(self.minified_index)

    def minified_line(self, line: int) -> str | None:
        found = self.texts.lines(self.minified_index, line, line + 1)
        return found[0] if found else None
