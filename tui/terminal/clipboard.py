"""Copy text to the user's clipboard: OSC 52 (wrapped for tmux and GNU screen) and native tools.

Textual's `App.copy_to_clipboard` writes a bare OSC 52, which tmux and screen swallow.
"""

from __future__ import annotations

import base64
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from tui.sanitize import sanitize
from tui.terminal.environment import Runner, graphical_session, run_tool

MAX_COPY_BYTES = 100_000
"""UTF-8 bytes copied at most: terminals cap OSC 52 (xterm's default is far below a megabyte)
and a trace past this is no longer fit to paste into a ticket anyway."""
SCREEN_CHUNK = 252
"""GNU screen drops a DCS string longer than 256 bytes (older releases; 768 since 4.2.1);
each chunk is sent in its own `ESC P ... ESC \\`, which adds four."""
NATIVE_TOOLS: Mapping[str, Sequence[Sequence[str]]] = {
    "wayland": (("wl-copy",),),
    "x11": (("xclip", "-selection", "clipboard"), ("xsel", "--clipboard", "--input")),
    "macos": (("pbcopy",),),
}
ESC = "\x1b"
ST = ESC + "\\"

Writer = Callable[[str], None]
"""Writes raw text to the terminal, past the UI's own rendering."""


@dataclass(frozen=True)
class CopyResult:
    method: str
    """`osc52`, `osc52+tmux`, `osc52+screen`, or "" when there was no terminal to write to."""
    native: str
    """The clipboard tool that took the text (`wl-copy`, `xclip`, `xsel`, `pbcopy`), or ""."""
    bytes: int
    """UTF-8 bytes copied, after the cap."""
    truncated: bool
    message: str
    """One sentence for the user saying what was done."""


def driver_writer(app: object) -> Writer | None:
    """A writer for a running Textual app: its driver's `write`, the one way past the compositor
    (Textual itself writes OSC 52 that way); None when the app has no driver (headless)."""
    driver = getattr(app, "_driver", None)
    return None if driver is None else driver.write


def copy(
    write: Writer | None,
    text: str,
    env: Mapping[str, str] | None = None,
    *,
    platform: str = sys.platform,
    runner: Runner = run_tool,
) -> CopyResult:
    """Copy `text` (at most MAX_COPY_BYTES) by OSC 52 through `write`, and with a native tool too
    when a display is present: OSC 52 cannot be confirmed, and some terminals ignore it.

    The text is sanitised like anything shown: it is mostly event data, and pasted into a
    terminal an `ESC [201~` would end bracketed paste and run what follows as typed."""
    env = os.environ if env is None else env
    whole = sanitize(text, multiline=True).encode("utf-8")
    data = whole[:MAX_COPY_BYTES].decode("utf-8", errors="ignore").encode("utf-8")
    method = ""
    if write is not None:
        sequence, method = osc52(data, env)
        write(sequence)
    native = copy_natively(data, env, platform, runner)
    return CopyResult(
        method, native, len(data), len(data) < len(whole), _message(method, native, data, whole)
    )


def osc52(data: bytes, env: Mapping[str, str]) -> tuple[str, str]:
    """The escape sequence that puts `data` on the clipboard from this terminal, and its method."""
    plain = f"{ESC}]52;c;{base64.b64encode(data).decode('ascii')}\a"
    if env.get("TMUX"):
        # Passthrough reaches the outer terminal when tmux has `allow-passthrough on`; the bare
        # sequence is taken by tmux itself when it has `set-clipboard on`. Neither is tmux's
        # default everywhere, so both are sent: the same text twice is harmless.
        return plain + f"{ESC}Ptmux;{plain.replace(ESC, ESC + ESC)}{ST}", "osc52+tmux"
    if env.get("STY") or env.get("TERM", "").startswith("screen"):
        chunks = (plain[i : i + SCREEN_CHUNK] for i in range(0, len(plain), SCREEN_CHUNK))
        return "".join(f"{ESC}P{chunk}{ST}" for chunk in chunks), "osc52+screen"
    return plain, "osc52"


def copy_natively(data: bytes, env: Mapping[str, str], platform: str, runner: Runner) -> str:
    """The name of the first clipboard tool of this display that took `data`, or ""."""
    session = graphical_session(env, platform)
    for argv in NATIVE_TOOLS.get(session or "", ()):
        try:
            if runner(argv, input=data) == 0:
                return argv[0]
        except OSError:  # not installed, or hung: the next one may do
            continue
    return ""


def _message(method: str, native: str, data: bytes, whole: bytes) -> str:
    ways = []
    if method:
        through = {"osc52+tmux": " through tmux", "osc52+screen": " through screen"}
        ways.append(f"sent to the terminal (OSC 52{through.get(method, '')})")
    if native:
        ways.append(f"given to {native}")
    if not ways:
        return "Could not copy: no terminal to write to and no clipboard tool for a display."
    size = f"{len(data)} bytes"
    if len(data) < len(whole):
        size = f"the first {len(data)} of {len(whole)} bytes (the cap is {MAX_COPY_BYTES})"
    return f"Copied {size}: {' and '.join(ways)}."
