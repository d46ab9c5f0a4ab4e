"""Leaving the terminal from a screen: copy to the clipboard, open a browser, edit a file.

Shared by the issue list and the issue screen. Each operation runs in a worker (the clipboard
tools and the file lookups may block) and ends in a toast saying what was done.
"""

from __future__ import annotations

import asyncio
import dataclasses
import subprocess
from collections.abc import Callable, Sequence
from typing import Any

from textual.app import SuspendNotSupported
from textual.content import Content
from textual.screen import Screen

from tui.config import Profile
from tui.model import Event, ExceptionValue, Frame, Issue
from tui.terminal.clipboard import copy, driver_writer
from tui.terminal.editor import editor_command
from tui.terminal.local_files import LocalFile, find_local_file, with_local_context
from tui.terminal.opener import check_url, link_text, open_url

NO_PROFILE = Profile(name="", backend="", url="")
"""For an app started without a profile (tests, scripts): no code mappings, no symbol paths."""

ShowStatus = Callable[[Content], None]


def run_editor(argv: Sequence[str]) -> int:
    """Run the editor on the terminal the app has handed over; its exit code."""
    return subprocess.call(list(argv))


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


def edit_frame(screen: Screen[Any], frame: Frame, profile: Profile) -> None:
    """Open the frame's local file at its line in $VISUAL/$EDITOR, or say which paths failed."""

    async def run() -> None:
        found = await asyncio.to_thread(find_local_file, frame, profile)
        if found.path is None:
            screen.notify(found.message, title="Cannot edit", severity="warning")
            return
        try:
            command = editor_command(found.path, frame.lineno, frame.colno)
            with screen.app.suspend():
                code = run_editor(command.argv)
        except (ValueError, OSError, SuspendNotSupported) as error:
            message = str(error) or "this terminal cannot be handed to an editor"
            screen.notify(message, title="Cannot edit", severity="error")
            return
        where = f"{found.path}:{frame.lineno}" if command.positioned else str(found.path)
        if code == 0:
            screen.notify(f"Edited {where} with {command.argv[0]}")
        else:
            screen.notify(f"{command.argv[0]} exited with {code} ({where})", severity="warning")

    screen.run_worker(run(), group="editor", exit_on_error=False)


def has_local_roots(profile: Profile) -> bool:
    """Whether local source may be read at all: only under roots the user named."""
    return bool(profile.code_mappings or profile.symbols.paths)


def event_with_local_context(event: Event, profile: Profile) -> Event:
    """`event` with source lines read from local files for its frames that came without;
    the same object when none was found. Reads files: call it off the UI thread."""
    found: dict[tuple[str, str], LocalFile] = {}

    def local(frame: Frame) -> Frame:
        if frame.context_line is not None or not frame.lineno:
            return frame
        key = (frame.filename, frame.abs_path)
        if key not in found:
            found[key] = find_local_file(frame, profile)
        return with_local_context(frame, found[key])

    def exception(exc: ExceptionValue) -> ExceptionValue:
        trace = exc.stacktrace
        if trace is None:
            return exc
        frames = tuple(local(frame) for frame in trace.frames)
        if frames == trace.frames:
            return exc
        return dataclasses.replace(exc, stacktrace=dataclasses.replace(trace, frames=frames))

    exceptions = tuple(exception(exc) for exc in event.exceptions)
    if exceptions == event.exceptions:
        return event
    return dataclasses.replace(event, exceptions=exceptions)
