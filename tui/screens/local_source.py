"""Local source for the issue screen: opening a frame's file in the editor, and reading
source lines for frames that came without them (only under the roots the user named).

Kept apart from `outside` so that the issue list starts without the file lookups and the
source-map code behind them.
"""

from __future__ import annotations

import asyncio
import dataclasses
import subprocess
from collections.abc import Sequence
from typing import Any

from textual.app import SuspendNotSupported
from textual.screen import Screen

from tui.config import Profile
from tui.model import Event, ExceptionValue, Frame
from tui.terminal.editor import editor_command
from tui.terminal.local_files import LocalFile, find_local_file, with_local_context


def run_editor(argv: Sequence[str]) -> int:
    """Run the editor on the terminal the app has handed over; its exit code."""
    return subprocess.call(list(argv))


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
