"""Server strings as inert display text: no markup, no escape sequences, no control characters."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.text import Text
from textual.content import Content

from tui.sanitize import sanitize

__all__ = ["absolute_time", "plain", "plain_text", "relative_time", "sanitize"]


def plain(value: object, style: str = "", *, multiline: bool = False) -> Content:
    """A Textual `Content` of a server string, never parsed as markup."""
    return Content.styled(sanitize(value, multiline=multiline), style)


def plain_text(value: object, style: str = "", *, multiline: bool = False) -> Text:
    """A Rich `Text` of a server string (for widgets such as DataTable that take Rich)."""
    return Text(sanitize(value, multiline=multiline), style=style, end="")


def relative_time(when: datetime | None, now: datetime) -> str:
    """A compact age such as `42s`, `3m`, `2h`, `5d`, `7w`, `2y`; `-` when unknown."""
    if when is None:
        return "-"
    seconds = max(0, int((now - when).total_seconds()))
    for unit, size in (("y", 365 * 86400), ("w", 7 * 86400), ("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def absolute_time(when: datetime | None) -> str:
    """A timestamp in UTC to the second, the form people paste into incident notes."""
    if when is None:
        return "-"
    if when.utcoffset() is not None:
        when = when.astimezone(UTC)
    return when.strftime("%Y-%m-%d %H:%M:%S UTC")
