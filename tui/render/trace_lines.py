"""A stack trace as rows for a Line-API view: blocks, their heights, and any row range's Content.

Plain data only: a block knows how many rows it takes in a given state without rendering, so
a view can index 10,000 frames and render just the rows on screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from textual.content import Content

from tui.model import Event, Stacktrace
from tui.render.event import crash_summary
from tui.render.text import plain
from tui.render.trace import (
    FrameRow,
    context_line_count,
    context_lines,
    exception_blocks,
    exception_title,
    frame_title,
    gap_content,
    newest_first,
    split_lines,
    trace_rows,
    variable_line_count,
    variable_lines,
)
from tui.render.trace_native import (
    NativeColumns,
    is_addressed,
    native_columns,
    register_lines,
    thread_title,
    with_thread_trace,
)

FrameKey = tuple[int, int]
"""(exception position, frame index): names a frame across redraws and filter changes."""
TextKind = Literal["crash", "link", "exception", "gap", "message", "registers", "thread"]

# How each kind of text block sits in the view: left padding, text style, row background,
# blank rows above and below.
TEXT_LAYOUT: dict[TextKind, tuple[Content, str, str, int, int]] = {
    "crash": (Content.styled("█ ", "$error"), "", "on $error 10%", 1, 0),
    # `$text-muted` is "auto 60%", which Content styles resolve to plain "auto": name a colour.
    "link": (Content(" "), "$foreground-muted italic", "", 1, 0),
    "exception": (Content(" "), "", "", 1, 0),
    "gap": (Content("   "), "", "", 0, 0),
    "message": (Content(""), "", "", 0, 0),
    "registers": (Content("   "), "", "", 1, 0),
    "thread": (Content(" "), "", "", 1, 0),
}
MAX_INDENT = 3


FOLDED: frozenset[TextKind] = frozenset({"message"})
"""Kinds folded at the view's width: an event's message is prose and may be any length. Every
other row is one line that the view scrolls sideways, as frames are: a folded class name or
address would be cut mid-word."""


@dataclass(frozen=True)
class TextBlock:
    """Rows of text: the crash summary, links, titles, gaps, and a message folded to the view."""

    kind: TextKind
    content: Content
    depth: int = 0

    def _body_width(self, width: int) -> int:
        if self.kind not in FOLDED:
            return max(1, *(len(line) for line in self.content.plain.split("\n")))
        return max(1, width - len(indent(self.depth)) - TEXT_LAYOUT[self.kind][0].cell_length)

    def height(self, width: int) -> int:
        """Rows at `width`, counted from the text alone (a gap or title costs no rendering)."""
        *_, above, below = TEXT_LAYOUT[self.kind]
        body = self._body_width(width)
        lines = self.content.plain.split("\n")
        return above + sum(max(1, -(-len(line) // body)) for line in lines) + below

    def lines(self, width: int, start: int, stop: int) -> list[Content]:
        """Rows `start:stop`, each padded to `width` (or longer, unfolded) with the block's
        style on its padding.

        Folds by characters, as `height` counts: a message may be any length and must take
        exactly the rows the layout reserved for it.
        """
        prefix, style, background, above, below = TEXT_LAYOUT[self.kind]
        body = self._body_width(width)
        margin = Content(indent(self.depth))
        rows = [Content("")] * above
        for line in split_lines(self.content.stylize_before(style)):
            for at in range(0, max(1, len(line)), body):
                row = prefix + line[at : at + body]
                row = row.truncate(max(width - len(margin), row.cell_length), pad=True)
                rows.append(margin + row.stylize_before(background))
        rows += [Content("")] * below
        return rows[start:stop]


@dataclass(frozen=True)
class RegisterBlock:
    """The crashing stack's registers, as many to a row as the view's width holds."""

    registers: dict[str, str]
    depth: int = 0

    def at(self, width: int) -> TextBlock:
        body = width - len(indent(self.depth)) - TEXT_LAYOUT["registers"][0].cell_length
        return TextBlock("registers", register_lines(self.registers, body), self.depth)

    def height(self, width: int) -> int:
        return self.at(width).height(width)

    def lines(self, width: int, start: int, stop: int) -> list[Content]:
        return self.at(width).lines(width, start, stop)


@dataclass(frozen=True, slots=True)
class FrameBlock:
    """One frame: its title, then (by state) source lines, provenance and variables."""

    row: FrameRow
    key: FrameKey
    depth: int
    platform: str
    columns: NativeColumns | None = None
    """Shared by the frames of an addressed (native) trace, so their titles line up."""

    def sections(self, expanded: bool, show_vars: bool) -> list[tuple[str, int]]:
        """(section, row count) in display order; in-app frames always show their own line."""
        frame = self.row.frame
        parts = [("title", 1)]
        if expanded or frame.in_app:
            parts.append(("source", context_line_count(frame, full=expanded)))
        if expanded and frame.provenance:
            parts.append(("provenance", 1))
        if show_vars:
            parts.append(("vars", variable_line_count(frame.vars)))
        return parts

    def height(self, expanded: bool, show_vars: bool) -> int:
        """`sections` summed without building them: this runs for every frame on a redraw."""
        frame = self.row.frame
        rows = 1
        if expanded or frame.in_app:
            rows += context_line_count(frame, full=expanded)
        if expanded and frame.provenance:
            rows += 1
        return rows + (variable_line_count(frame.vars) if show_vars else 0)

    def lines(
        self, expanded: bool, show_vars: bool, start: int, stop: int, reveal: int = 0
    ) -> list[Content]:
        """The Content of rows `start:stop`; only the sections they touch are rendered.
        Long source lines keep `reveal` characters more (the view is scrolled sideways)."""
        out: list[Content] = []
        first = 0
        for section, count in self.sections(expanded, show_vars):
            low, high = max(start, first) - first, min(stop, first + count) - first
            if low < high:
                out += self._section(section, expanded, low, high, reveal)
            first += count
        return out

    def _section(
        self, section: str, expanded: bool, start: int, stop: int, reveal: int
    ) -> list[Content]:
        frame = self.row.frame
        if section == "title":
            return [frame_title(self.row, self.columns, self.platform)]
        if section == "source":
            return context_lines(
                frame, self.platform, full=expanded, start=start, stop=stop, reveal=reveal
            )
        if section == "provenance":
            return [plain(f"source map: {frame.provenance}", "$text-muted italic")]
        return variable_lines(frame.vars, start, stop)

    def prefix(self, cursor: bool) -> Content:
        """Indent and the coloured left edge: accent on the cursor, red where it crashed."""
        frame = self.row.frame
        if cursor:
            edge = "$accent"
        elif self.row.crashed:
            edge = "$error"
        else:
            edge = "$primary 40%" if frame.in_app else ""
        return Content.assemble(indent(self.depth), ("▌" if edge else " ", edge), "  ")


Block = TextBlock | RegisterBlock | FrameBlock


def indent(depth: int) -> str:
    return "  " * min(depth, MAX_INDENT)


def trace_blocks(event: Event, *, in_app_only: bool) -> list[Block]:
    """The whole trace of `event` in reading order, frames filtered by `in_app_only`; then the
    crashing stack's registers and the other threads with their own stacks."""
    event = with_thread_trace(event)
    blocks: list[Block]
    if not event.exceptions:
        message = event.message or event.title or "this event has no exception"
        blocks = [TextBlock("message", plain(message, multiline=True))]
    else:
        blocks = _exception_blocks(event, in_app_only)
    shown = event.exceptions[0].stacktrace if event.exceptions else None
    for offset, thread in enumerate(event.threads):
        blocks.append(TextBlock("thread", thread_title(thread)))
        if thread.stacktrace is None or thread.stacktrace is shown or not thread.stacktrace.frames:
            note = "its stack is the trace above" if thread.crashed else "no stack recorded"
            blocks.append(TextBlock("gap", plain(note, "$text-muted italic")))
            continue
        position = len(event.exceptions) + offset
        blocks += _frame_blocks(event, thread.stacktrace, position, 0, in_app_only, crashed=False)
    return blocks


def _exception_blocks(event: Event, in_app_only: bool) -> list[Block]:
    raised = event.exceptions[0]
    crash_frames = raised.stacktrace.frames if raised.stacktrace else ()
    blocks: list[Block] = [
        TextBlock(
            "crash",
            crash_summary(raised, crash_frames[-1] if crash_frames else None, event.platform),
        )
    ]
    for position, block in enumerate(exception_blocks(event.exceptions)):
        if block.link:
            blocks.append(TextBlock("link", Content(block.link), block.depth))
        blocks.append(TextBlock("exception", exception_title(block.exception), block.depth))
        stacktrace = block.exception.stacktrace
        if stacktrace is None or not stacktrace.frames:
            continue
        blocks += _frame_blocks(
            event, stacktrace, position, block.depth, in_app_only, crashed=position == 0
        )
        if stacktrace.registers:
            blocks.append(RegisterBlock(stacktrace.registers, block.depth))
    return blocks


def _frame_blocks(
    event: Event,
    stacktrace: Stacktrace,
    position: int,
    depth: int,
    in_app_only: bool,
    *,
    crashed: bool,
) -> list[Block]:
    columns = native_columns(stacktrace.frames) if is_addressed(stacktrace) else None
    rows = trace_rows(
        stacktrace,
        in_app_only=in_app_only,
        newest_first=newest_first(event.platform),
        crashed=crashed,
    )
    return [
        FrameBlock(row, (position, row.index), depth, event.platform, columns)
        if isinstance(row, FrameRow)
        else TextBlock("gap", gap_content(row), depth)
        for row in rows
    ]
