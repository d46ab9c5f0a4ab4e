"""Server strings as inert display text: no markup, no escape sequences, no control characters."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.text import Text
from textual.content import Content

from tui.ages import relative_time
from tui.sanitize import sanitize

__all__ = ["absolute_time", "plain", "plain_text", "relative_time", "sanitize"]


def plain(value: object, style: str = "", *, multiline: bool = False) -> Content:
    """A Textual `Content` of a server string, never parsed as markup."""
    return Content.styled(sanitize(value, multiline=multiline), style)


def plain_text(value: object, style: str = "", *, multiline: bool = False) -> Text:
    """A Rich `Text` of a server string (for widgets such as DataTable that take Rich)."""
    return Text(sanitize(value, multiline=multiline), style=style, end="")


def absolute_time(when: datetime | None) -> str:
    """A timestamp in UTC to the second, the form people paste into incident notes."""
    if when is None:
        return "-"
    if when.utcoffset() is not None:
        when = when.astimezone(UTC)
    return when.strftime("%Y-%m-%d %H:%M:%S UTC")
