"""Open a server-supplied URL in a browser when one can be opened here; else say why not.

When it cannot (SSH without a display), the UI shows the URL as an OSC 8 hyperlink and copies it.
"""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from rich.style import Style
from rich.text import Text

from tui.sanitize import sanitize
from tui.terminal.environment import Runner, graphical_session, run_tool

OPENERS = {"x11": ("xdg-open",), "wayland": ("xdg-open",), "macos": ("open",)}
MAX_URL = 8192


@dataclass(frozen=True)
class OpenResult:
    opened: bool
    how: str
    """The program that took the URL, or "" when none did."""
    message: str
    """For the user: what happened, or why no browser could be opened."""


def check_url(url: str) -> str | None:
    """Why `url` may not be opened or linked, or None: only http(s) with a host, nothing hidden."""
    if len(url) > MAX_URL:
        return f"the URL is longer than {MAX_URL} characters"
    if any(char.isspace() or not char.isprintable() for char in url):
        return "the URL holds spaces or control characters"
    try:
        parts = urlsplit(url)
    except ValueError:
        return "the URL cannot be parsed"
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return "only http:// and https:// URLs with a host are opened"
    return None


def browser_commands(url: str, env: Mapping[str, str], platform: str) -> list[list[str]]:
    """Commands to try in turn; none when no browser can be reached from this session.

    $BROWSER is honoured first and even over SSH (editors' remote helpers set it to a script that
    forwards the URL); like Python's `webbrowser`, it is a `:`-separated list of commands, each
    with `%s` for the URL or the URL appended. The URL is one argument, never shell text."""
    commands = []
    for entry in env.get("BROWSER", "").split(os.pathsep):
        try:
            words = shlex.split(entry)
        except ValueError:  # an unbalanced quote: that entry cannot be meant
            continue
        if words:
            has_slot = any("%s" in word for word in words)
            words = [word.replace("%s", url) for word in words]
            commands.append(words if has_slot else [*words, url])
    session = graphical_session(env, platform)
    if session:
        commands.append([*OPENERS[session], url])
    return commands


def open_url(
    url: str,
    env: Mapping[str, str] | None = None,
    *,
    platform: str = sys.platform,
    runner: Runner = run_tool,
) -> OpenResult:
    """Start a browser on `url` without waiting for it; or say why none could be started."""
    env = os.environ if env is None else env
    if problem := check_url(url):
        return OpenResult(False, "", f"Not opened: {problem}.")
    commands = browser_commands(url, env, platform)
    if not commands:
        return OpenResult(False, "", "No browser can be opened from here (no display).")
    for argv in commands:
        try:
            runner(argv, wait=False)
        except OSError:  # not installed: the next one may be
            continue
        return OpenResult(True, argv[0], f"Opened in the browser ({argv[0]}).")
    tried = ", ".join(argv[0] for argv in commands)
    return OpenResult(False, "", f"No browser could be started (tried {tried}).")


def osc8_link(url: str, label: str | None = None) -> str:
    """`label` (default: the URL) as an OSC 8 hyperlink, for raw terminal output.

    The URL must have passed `check_url`: it then holds no escape or control character."""
    if check_url(url):
        raise ValueError("not a URL that may be linked")
    shown = sanitize(url if label is None else label)
    return f"\x1b]8;;{url}\x1b\\{shown}\x1b]8;;\x1b\\"


def link_text(url: str, label: str | None = None) -> Text:
    """`label` (default: the URL) as Rich text carrying the link, for a Textual widget: the
    terminal then makes it clickable (OSC 8), and the URL is shown whatever the size."""
    if check_url(url):
        raise ValueError("not a URL that may be linked")
    return Text(sanitize(url if label is None else label), style=Style(link=url))
