"""Key names as Textual's keymap takes them, checked without importing Textual."""

from __future__ import annotations

import re
import unicodedata

BINDING_ID = re.compile(r"[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*")
"""Binding ids as stackdeck names them: `issues.resolve`, `detail.copy_frame`."""
MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")
NAMED_KEYS = frozenset(
    {
        *("escape", "enter", "return", "tab", "space", "backspace", "delete", "insert"),
        *("home", "end", "pageup", "pagedown", "up", "down", "left", "right"),
        # Textual's friendlier names for some characters (textual.keys.KEY_NAME_REPLACEMENTS).
        *("slash", "backslash", "at", "minus", "plus", "underscore"),
        *(f"f{n}" for n in range(1, 25)),
    }
)


def normalize_keys(text: str) -> str:
    """`text` ("x, ctrl+r") as Textual's keymap takes it ("x,ctrl+r"); ValueError says why not."""
    keys = [part.strip() for part in text.split(",")]
    for key in keys:
        if problem := _key_problem(key):
            raise ValueError(f"{key!r}: {problem}" if key else problem)
    return ",".join(keys)


def _key_problem(key: str) -> str | None:
    if not key:
        return "an empty key name (keys are separated by commas)"
    *modifiers, name = key.split("+") if len(key) > 1 else [key]
    unknown = [m for m in modifiers if m not in MODIFIERS]
    if unknown or len(set(modifiers)) != len(modifiers):
        return f"modifiers are {', '.join(MODIFIERS)}, each at most once"
    if not _is_key_name(name):
        return "not a key name (a single character, or a name such as escape, f5, question_mark)"
    return None


def _is_key_name(name: str) -> bool:
    if len(name) == 1:
        return name.isprintable() and not name.isspace()
    if name in NAMED_KEYS:
        return True
    # Textual names other characters after Unicode, spaces and dashes made underscores.
    spellings = (name.replace("_", " "), name.replace("_", "-"))
    return name == name.lower() and any(_unicode_name(s) for s in spellings)


def _unicode_name(spelling: str) -> bool:
    try:
        unicodedata.lookup(spelling)
    except KeyError:
        return False
    return True
