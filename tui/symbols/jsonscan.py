"""Parse a map's JSON without copying its big strings: a small skeleton plus spans.

`json.loads` of a whole map holds every `sourcesContent` text and `mappings` as Python strings
next to the map's bytes. Here each JSON string longer than `BIG` bytes is cut out and replaced
by a placeholder, the remaining skeleton (structure, names, sources) is parsed by `json.loads`,
and each placeholder becomes a `Span` over the caller's bytes, decoded only when it is needed:
one source text at a time while the cache file is written, `mappings` batch by batch.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

BIG = 512
"""Strings at least this long (in bytes, with quotes) are left in place as spans."""
_VALID = re.compile(rb'"(?:[^"\\\x00-\x1f]++|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*+"')
"""A JSON string as `json.loads` accepts it, to check a span without decoding it. Possessive:
a backtracking repeat keeps a state per escape (5 MB of regex stack for maplibre's sources)."""
_MARK = "\x00"
"""Placeholders are `"\\u0000<n>"`; real strings starting with `\\u0000` become spans too."""


class Span:
    """A JSON string left in the map's bytes: `data[start:end]`, quotes included."""

    __slots__ = ("data", "end", "start")

    def __init__(self, data: bytes, start: int, end: int) -> None:
        self.data, self.start, self.end = data, start, end

    def text(self) -> str:
        raw = self.data[self.start : self.end].decode("utf-8", errors="replace")
        return str(json.loads(raw))

    def plain(self) -> bool:
        """Whether the string has no escapes: its bytes between the quotes are its text."""
        return self.data.find(b"\\", self.start, self.end) < 0


def load_skeleton(data: bytes) -> Any:
    """`json.loads(data)` with strings of `BIG` bytes or more as `Span`s; raises `ValueError`."""
    parts: list[bytes] = []
    spans: list[Span] = []
    position = 0
    for start, end in _strings(data):
        if end - start < BIG and not data.startswith(b"\\u0000", start + 1):
            continue
        if not _VALID.fullmatch(data, start, end):
            raise ValueError(f"invalid string at byte {start}")
        parts.append(data[position:start])
        parts.append(b'"\\u0000%d"' % len(spans))
        spans.append(Span(data, start, end))
        position = end
    parts.append(data[position:])
    # Invalid UTF-8 reads as U+FFFD, as browsers read a map, rather than rejecting the map.
    skeleton = b"".join(parts).decode("utf-8", errors="replace")
    return _restore(json.loads(skeleton), spans)


def _strings(data: bytes) -> Iterator[tuple[int, int]]:
    """`(start, end)` of every JSON string, quotes included: outside strings JSON has no `"`,
    and a string ends at the first quote not escaped by an odd run of backslashes."""
    find = data.find
    start = find(b'"')
    while start >= 0:
        end = find(b'"', start + 1)
        while end > 0 and data[end - 1] == 0x5C:  # a backslash: count the run before the quote
            run = end - 1
            while data[run] == 0x5C:
                run -= 1
            if (end - 1 - run) % 2 == 0:
                break
            end = find(b'"', end + 1)
        if end < 0:
            return  # unterminated: the skeleton's own parse reports it
        yield start, end + 1
        start = find(b'"', end + 1)


def _restore(value: Any, spans: list[Span]) -> Any:
    if isinstance(value, str):
        return spans[int(value[1:])] if value.startswith(_MARK) else value
    if isinstance(value, list):
        return [_restore(item, spans) for item in value]
    if isinstance(value, dict):
        return {text(_restore(k, spans)): _restore(v, spans) for k, v in value.items()}
    return value


def text(value: Any) -> Any:
    """`value` with a `Span` decoded into its string; anything else as it is."""
    return value.text() if isinstance(value, Span) else value


class LazyStrings(Sequence[str | None]):
    """`sourcesContent`: strings, `Span`s decoded on each access, or None where absent."""

    def __init__(self, items: Iterable[str | Span | None] = ()) -> None:
        self._items = list(items)

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, index: int) -> str | None:  # type: ignore[override]
        return text(self._items[index])

    def __iter__(self) -> Iterator[str | None]:
        return (text(item) for item in self._items)

    def extend(self, other: LazyStrings) -> None:
        self._items.extend(other._items)
