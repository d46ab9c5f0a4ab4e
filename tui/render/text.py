"""Server strings as inert display text: no markup, no escape sequences, no control characters."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from rich.text import Text
from textual.content import Content

# C0 controls, DEL, C1 controls and the bidi overrides that can reorder what a reader sees.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_CONTROL_WITH_NEWLINES = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if code < 0x20:
        # Unicode "control pictures" (U+2400 block) keep one cell per character: ESC -> "␛".
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    return f"\\u{code:04x}" if code > 0xFF else f"\\x{code:02x}"


def sanitize(value: object, *, multiline: bool = False) -> str:
    """Return `value` as text that is safe to draw: control characters made visible.

    Tabs become spaces. With `multiline`, newlines survive and `\\r\\n` counts as one newline;
    otherwise every newline is shown as a control picture so a title stays on one line.
    """
    text = "" if value is None else str(value)
    text = text.replace("\t", "    ")
    if multiline:
        text = text.replace("\r\n", "\n")
        return _CONTROL.sub(_visible, text)
    return _CONTROL_WITH_NEWLINES.sub(_visible, text)


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
