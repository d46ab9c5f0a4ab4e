"""Counted nouns for people to read: `1 event`, `2 events`."""

from __future__ import annotations


def plural(count: int, noun: str) -> str:
    """`noun` as `count` takes it: English adds an s to every noun stackdeck counts."""
    return noun if count == 1 else f"{noun}s"


def counted(count: int, noun: str) -> str:
    """`1 event`, `1,432 events`."""
    return f"{count:,} {plural(count, noun)}"
