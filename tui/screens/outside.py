"""Leaving the terminal from a screen: copy to the clipboard, open a browser.

Shared by the issue list and the issue screen. Each operation runs in a worker (the clipboard
tools may block) and ends in a toast saying what was done. Local files (reading and editing
them) are in `local_source`, which only the issue screen needs.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from textual.content import Content
from textual.screen import Screen

from tui.config import Profile
from tui.model import Frame, Issue
from tui.terminal.clipboard import copy, driver_writer
from tui.terminal.opener import check_url, link_text, open_url

NO_PROFILE = Profile(name="", backend="", url="")
"""For an app started without a profile (tests, scripts): no code mappings, no symbol paths."""

ShowStatus = Callable[[Content], None]


def url_problem(issue: Issue | None) -> str | None:
    """Why the issue's web page can be neither copied nor opened, or None."""
    if issue is None:
        return "no issue is selected"
    if not issue.permalink:
        return "the server gave no web address for this issue"
    if problem := check_url(issue.permalink):
        return f"its web address is not safe to open: {problem}"
    return None


def frame_location(frame: Frame) -> str:
    """`path:line` as a reader types it into an editor or a search."""
    return f"{frame.display_path}:{frame.lineno}" if frame.lineno else frame.display_path


def copy_text(screen: Screen[Any], text: str, what: str) -> None:
    """Put `text` on the clipboard (OSC 52 and a native tool) and say how it went."""
    writer = driver_writer(screen.app)

    async def run() -> None:
        result = await asyncio.to_thread(copy, writer, text)
        done = bool(result.method or result.native)
        screen.notify(
            f"{what}: {result.message}" if done else result.message,
            severity="information" if done else "warning",
        )

    screen.run_worker(run(), group="clipboard", exit_on_error=False)


def open_in_browser(screen: Screen[Any], url: str, show: ShowStatus) -> None:
    """Open `url` in a browser; where none can be opened, show it as a link and copy it."""

    async def run() -> None:
        opened = await asyncio.to_thread(open_url, url)
        if opened.opened or check_url(url):
            screen.notify(opened.message, severity="information" if opened.opened else "warning")
            return
        # Over SSH the terminal still makes an OSC 8 link clickable, and the clipboard works.
        show(Content.from_rich_text(link_text(url)))
        copied = await asyncio.to_thread(copy, driver_writer(screen.app), url)
        screen.notify(f"{opened.message} {copied.message}", severity="warning")

    screen.run_worker(run(), group="browser", exit_on_error=False)
