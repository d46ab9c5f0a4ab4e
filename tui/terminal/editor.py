"""The command line that opens a file at a line (and column) in the user's editor.

Each editor family spells "go to line L, column C" its own way; the UI runs the command with
the terminal handed over (Textual's `App.suspend()`).
"""

from __future__ import annotations

import os
import shlex
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_EDITORS = ("nvim", "vim", "vi", "nano")
"""Tried in turn when neither $VISUAL nor $EDITOR is set; `vi` if none is found (POSIX has it)."""
FAMILIES = {
    **dict.fromkeys(("vi", "vim", "nvim", "gvim", "mvim", "vimx"), "vim"),
    **dict.fromkeys(("emacs", "emacsclient"), "emacs"),
    "nano": "nano",
    **dict.fromkeys(("hx", "helix"), "helix"),
    **dict.fromkeys(("code", "codium", "code-insiders", "vscodium", "cursor"), "code"),
    **dict.fromkeys(("subl", "sublime_text"), "subl"),
    "micro": "micro",
    "kak": "kak",
}

Which = Callable[..., str | None]


@dataclass(frozen=True)
class EditorCommand:
    argv: tuple[str, ...]
    family: str
    """`vim`, `emacs`, `nano`, `helix`, `code`, `subl`, `micro`, `kak`, or "" for an editor
    stackdeck does not know (it then opens the file at its start)."""
    positioned: bool
    """Whether the command puts the cursor at the line."""


def editor_command(
    path: str | Path,
    line: int | None,
    column: int | None = None,
    env: Mapping[str, str] | None = None,
    *,
    which: Which = shutil.which,
) -> EditorCommand:
    """The command opening `path` at `line`:`column` (1-based) in $VISUAL, $EDITOR or a default.

    Raises ValueError when the variable cannot be split as a command line (an open quote)."""
    env = os.environ if env is None else env
    words = _editor_words(env, which)
    family = FAMILIES.get(_program_name(words[0]), "")
    # Absolute, so a file named `-x` or `+5` is never read as an option.
    file = os.path.abspath(path)
    position = _position_arguments(family, file, line, column if line else None)
    if position is None:
        return EditorCommand((*words, file), family, False)
    return EditorCommand((*words, *position), family, True)


def _editor_words(env: Mapping[str, str], which: Which) -> list[str]:
    for name in ("VISUAL", "EDITOR"):
        value = env.get(name, "").strip()
        if value:
            try:
                words = shlex.split(value)
            except ValueError as exc:
                raise ValueError(f"${name} is not a command line ({exc}): {value!r}") from None
            if words:
                return words
    search = env.get("PATH")
    return [next((e for e in DEFAULT_EDITORS if which(e, path=search)), "vi")]


def _program_name(program: str) -> str:
    name = Path(program).name.lower()
    return name.removesuffix(".exe")


def _position_arguments(
    family: str, file: str, line: int | None, column: int | None
) -> tuple[str, ...] | None:
    if not family or not line or line < 1:
        return None
    col = column if column and column >= 1 else None
    at = f"{line}:{col}" if col else f"{line}"
    match family:
        case "vim":
            return (f"+call cursor({line},{col})" if col else f"+{line}", file)
        case "emacs" | "micro" | "kak":
            return (f"+{at}", file)
        case "nano":
            return (f"+{line},{col}" if col else f"+{line}", file)
        case "code":
            return ("--goto", f"{file}:{at}")
        case _:  # helix, subl
            return (f"{file}:{at}",)
