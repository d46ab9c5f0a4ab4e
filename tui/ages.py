"""Compact ages ("2h"), Textual-free: the TUI shows them and so does the offline CLI."""

from __future__ import annotations

from datetime import datetime


def relative_time(when: datetime | None, now: datetime) -> str:
    """A compact age such as `42s`, `3m`, `2h`, `5d`, `7w`, `2y`; `-` when unknown."""
    if when is None:
        return "-"
    seconds = max(0, int((now - when).total_seconds()))
    for unit, size in (("y", 365 * 86400), ("w", 7 * 86400), ("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"
