"""What the terminal session can reach: a display, an SSH link; and the one way tools are run."""

from __future__ import annotations

import subprocess
from collections.abc import Mapping, Sequence
from typing import Protocol

TOOL_TIMEOUT = 5
"""Seconds a clipboard tool may take to read what it was given."""


class Runner(Protocol):
    """Runs a program (never a shell); returns its exit code, raises OSError if it cannot start.

    With `wait=False` the program is left running on its own (a browser)."""

    def __call__(
        self, argv: Sequence[str], *, input: bytes | None = None, wait: bool = True
    ) -> int: ...


def run_tool(argv: Sequence[str], *, input: bytes | None = None, wait: bool = True) -> int:
    """The real `Runner`: no terminal handed over, so nothing the tool prints reaches the TUI."""
    quiet = subprocess.DEVNULL
    if not wait:
        subprocess.Popen(argv, stdin=quiet, stdout=quiet, stderr=quiet, start_new_session=True)
        return 0
    try:
        # stdin is a pipe even for no input, so a tool never reads the TUI's keys.
        done = subprocess.run(
            argv, input=input or b"", stdout=quiet, stderr=quiet, timeout=TOOL_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise OSError(f"{argv[0]} did not finish within {TOOL_TIMEOUT} s") from exc
    return done.returncode


def is_ssh(env: Mapping[str, str]) -> bool:
    return bool(env.get("SSH_CONNECTION") or env.get("SSH_TTY") or env.get("SSH_CLIENT"))


def graphical_session(env: Mapping[str, str], platform: str) -> str | None:
    """`wayland`, `x11` or `macos` when windows opened from here reach the user, else None.

    Over SSH only a forwarded display counts: `open` on a remote Mac shows on its screen."""
    if env.get("WAYLAND_DISPLAY"):
        return "wayland"
    if env.get("DISPLAY"):
        return "x11"
    if platform == "darwin" and not is_ssh(env):
        return "macos"
    return None
