"""The one sanitiser: server strings made inert for a terminal, as display text or as JSON.

Textual-free, so the CLI uses the very same rules as the TUI without importing Textual.
`sanitize` and `dumps_json` are the display boundary: the privacy mask applies there when on.
"""

from __future__ import annotations

import json
import re
from typing import Any

from tui.privacy import mask_pii, masking

# C0 controls, DEL, C1 controls, the line/paragraph separators, the bidi overrides and
# isolates that can reorder what a reader sees, and lone surrogates (no terminal encoding
# can write them: `print` would raise UnicodeEncodeError).
_UNSAFE = r"\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_CONTROL = re.compile(rf"[\x00-\x08\x0b-\x1f{_UNSAFE}]")
_CONTROL_WITH_NEWLINES = re.compile(rf"[\x00-\x1f{_UNSAFE}]")
# Invisible characters that can hide text or make two different strings look the same:
# zero-width space, marks, joiners other than ZWJ/ZWNJ (emoji and several scripts need those),
# the byte-order mark, and Unicode tag characters ("ASCII smuggling"). Tags survive only as a
# subdivision flag: black flag, 2-7 tag letters or digits, cancel tag.
_INVISIBLE = "\u200b\u200e\u200f\u061c\u180e\u2060-\u2064\u206a-\u206f\ufeff\U000e0000-\U000e007f"
_FLAG = "\U0001f3f4[\U000e0030-\U000e0039\U000e0061-\U000e007a]{2,7}\U000e007f"
_HIDDEN = re.compile(f"({_FLAG})|[{_INVISIBLE}]")
_JSON_UNSAFE = re.compile(f"[{_UNSAFE}{_INVISIBLE}]")
"""What `json.dumps(ensure_ascii=False)` leaves raw (it escapes C0 itself)."""


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if code < 0x20:
        # Unicode "control pictures" (U+2400 block) keep one cell per character: ESC -> "␛".
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    if code > 0xFFFF:
        return f"\\U{code:08x}"
    return f"\\u{code:04x}" if code > 0xFF else f"\\x{code:02x}"


def _unhidden(match: re.Match[str]) -> str:
    return match.group(1) or _visible(match)


def _masked_text(text: str) -> str:
    """`text` through the privacy mask, its invisible characters dropped first: a zero-width
    space inside an address (`alice\u200b@example.com`) would otherwise split it so the mask
    saw only part of it, once made visible as `\u200b`."""
    return mask_pii(_HIDDEN.sub(lambda match: match.group(1) or "", text))


def sanitize(value: object, *, multiline: bool = False) -> str:
    """Return `value` as text that is safe to draw: control characters made visible, and
    personal data masked while the privacy mask is on (`tui.privacy`)."""
    if masking():
        return inert(_masked_text("" if value is None else str(value)), multiline=multiline)
    return inert(value, multiline=multiline)


def inert(value: object, *, multiline: bool = False) -> str:
    """`value` with control characters made visible, for data (ids in URL paths) as well as
    display; never masked.

    Tabs become spaces. With `multiline`, newlines survive and `\\r\\n` counts as one newline;
    otherwise every newline is shown as a control picture so a title stays on one line.
    """
    text = "" if value is None else str(value)
    text = _HIDDEN.sub(_unhidden, text.replace("\t", "    "))
    if multiline:
        text = text.replace("\r\n", "\n")
        return _CONTROL.sub(_visible, text)
    return _CONTROL_WITH_NEWLINES.sub(_visible, text)


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code > 0xFFFF:  # JSON spells an astral code point as its UTF-16 surrogate pair
        high, low = divmod(code - 0x10000, 0x400)
        return f"\\u{0xD800 + high:04x}\\u{0xDC00 + low:04x}"
    return f"\\u{code:04x}"


def dumps_json(data: Any) -> str:
    """JSON for scripts and terminals alike: readable non-ASCII, every dangerous code point
    written as a `\\u` escape. Lossless: a JSON reader gets the server's exact string back."""
    if masking():
        data = _masked(data)
    # Outside strings JSON text is ASCII, so the escapes can only land inside strings.
    return _JSON_UNSAFE.sub(_json_escape, json.dumps(data, indent=2, ensure_ascii=False))


def _masked(data: Any) -> Any:
    """Every string of JSON data through the privacy mask, keys too: servers key data by
    what they saw (`vars`, `contexts`, tags), an email address among them."""
    if isinstance(data, str):
        return _masked_text(data)
    if isinstance(data, dict):
        masked: dict[Any, Any] = {}
        for key, value in data.items():
            masked[_unique(_masked(key), masked)] = _masked(value)
        return masked
    if isinstance(data, list | tuple):
        return [_masked(v) for v in data]
    return data


def _unique(key: Any, taken: dict[Any, Any]) -> Any:
    """Two keys masked alike (`a***@example.com`) both stay: the later ones get ` (2)`, ..."""
    if key not in taken:
        return key
    return next(f"{key} ({n})" for n in range(2, len(taken) + 2) if f"{key} ({n})" not in taken)
