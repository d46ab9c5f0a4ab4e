"""Desktop notifications from inside a terminal: OSC 9 (iTerm2, kitty, WezTerm, foot, Windows
Terminal) and OSC 777 (rxvt-unicode, VTE terminals such as GNOME Terminal and Ghostty).

Terminals ignore the sequence they do not know, so both are sent.
"""

from __future__ import annotations

from collections.abc import Mapping

from tui.sanitize import sanitize

ESC = "\x1b"
BEL = "\a"
MAX_TEXT = 200
"""Characters of title or body at most: a notification is a line, not a report."""


def notification(title: str, body: str, env: Mapping[str, str]) -> str:
    """The escape sequences that show `title`/`body` as a desktop notification.

    Both texts are sanitised (an escape or BEL inside would end the sequence early and let the
    rest reach the terminal); `;` separates OSC 777's fields, so the title cannot hold one.
    """
    title = _inert(title).replace(";", ",")
    body = _inert(body)
    sequence = f"{ESC}]9;{title}: {body}{BEL}{ESC}]777;notify;{title};{body}{BEL}"
    if env.get("TMUX"):
        # tmux hands a sequence to the outer terminal only inside its passthrough wrapper.
        return f"{ESC}Ptmux;{sequence.replace(ESC, ESC + ESC)}{ESC}\\"
    return sequence


def _inert(text: str) -> str:
    return sanitize(text)[:MAX_TEXT]
