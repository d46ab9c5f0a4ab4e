"""The exception chain of one event: exception headers, focusable frames, gaps."""

from __future__ import annotations

from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.events import DescendantFocus
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Static

from tui.model import Event
from tui.render.event import crash_summary
from tui.render.text import plain
from tui.render.trace import (
    FrameRow,
    context_content,
    exception_blocks,
    exception_title,
    frame_title,
    gap_content,
    newest_first,
    trace_rows,
    variables_content,
)


class FrameView(Static, can_focus=True):
    """One frame: its location line, then its source lines and, on demand, its variables."""

    BINDINGS = [
        Binding(
            "enter",
            "toggle_context",
            "Source",
            tooltip="lines around the frame",
            show=False,
            id="frame.context",
        ),
        Binding("v", "toggle_vars", "Vars", tooltip="local variables", id="frame.vars"),
    ]

    expanded: reactive[bool] = reactive(False)
    show_vars: reactive[bool] = reactive(False)

    def __init__(
        self, row: FrameRow, platform: str, *, key: tuple[int, int], expanded: bool
    ) -> None:
        super().__init__(classes="frame")
        self.row = row
        self.key = key
        """(exception position, frame index): identifies the frame across redraws."""
        self.platform = platform
        self.set_reactive(FrameView.expanded, expanded)
        self.set_class(row.frame.in_app, "-in-app")
        self.set_class(row.crashed, "-crashed")

    def on_mount(self) -> None:
        self._draw()

    def watch_expanded(self) -> None:
        self._draw()

    def watch_show_vars(self) -> None:
        self._draw()

    def _draw(self) -> None:
        parts = [frame_title(self.row)]
        # In-app frames always show their own line, as a Python traceback does.
        if self.expanded or self.row.frame.in_app:
            source = context_content(self.row.frame, self.platform, full=self.expanded)
            if source:
                parts.append(source)
        if self.expanded and self.row.frame.provenance:
            parts.append(plain(f"source map: {self.row.frame.provenance}", "$text-muted italic"))
        if self.show_vars:
            parts.append(variables_content(self.row.frame.vars))
        self.update(Content("\n").join(parts))

    def action_toggle_context(self) -> None:
        self.expanded = not self.expanded
        self.call_after_refresh(self.scroll_visible)

    def action_toggle_vars(self) -> None:
        self.show_vars = not self.show_vars
        self.call_after_refresh(self.scroll_visible)


class StackTraceView(VerticalScroll):
    """Renders `Event.exceptions`; `j`/`k` move between frames."""

    BINDINGS = [
        Binding("j,down", "frame(1)", "Next frame", show=False, id="trace.next_frame"),
        Binding("k,up", "frame(-1)", "Previous frame", show=False, id="trace.previous_frame"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.event: Event | None = None
        self.in_app_only = True
        self.last_frame: tuple[int, int] | None = None

    async def show(self, event: Event, *, in_app_only: bool, focus: bool = True) -> None:
        """Draw `event`; frames the user expanded stay expanded when only the filter changes.

        `focus` moves focus to the frame the user was on (same event) or the crashing frame.
        """
        same_event = self.event is not None and self.event.id == event.id
        opened = self._expanded_keys() if same_event else None
        if not same_event:
            self.last_frame = None
        self.event, self.in_app_only = event, in_app_only
        with self.app.batch_update():
            await self.remove_children()
            await self.mount_all(self._build(event, opened))
        if focus:
            target = self.focus_frame()
            self.call_after_refresh(target.scroll_visible, animate=False)

    def _expanded_keys(self) -> set[tuple[int, int]]:
        return {frame.key for frame in self.query(FrameView) if frame.expanded}

    def _build(self, event: Event, opened: set[tuple[int, int]] | None) -> list[Widget]:
        widgets: list[Widget] = []
        if not event.exceptions:
            message = event.message or event.title or "this event has no exception"
            widgets.append(Static(plain(message, multiline=True), classes="no-trace"))
            return widgets
        raised = event.exceptions[0]
        crash_frames = raised.stacktrace.frames if raised.stacktrace else ()
        widgets.append(
            Static(crash_summary(raised, crash_frames[-1] if crash_frames else None), id="crash")
        )
        order_newest = newest_first(event.platform)
        for position, block in enumerate(exception_blocks(event.exceptions)):
            indent = f"-depth-{min(block.depth, 3)}"
            if block.link:
                widgets.append(Static(Content(block.link), classes=f"link {indent}"))
            widgets.append(Static(exception_title(block.exception), classes=f"exception {indent}"))
            stacktrace = block.exception.stacktrace
            if stacktrace is None or not stacktrace.frames:
                continue
            rows = trace_rows(
                stacktrace,
                in_app_only=self.in_app_only,
                newest_first=order_newest,
                crashed=position == 0,
            )
            for row in rows:
                if isinstance(row, FrameRow):
                    key = (position, row.index)
                    # Nothing open (a new event, or a redraw before the first one settled):
                    # the crashing frame opens, as it does on arrival.
                    expanded = key in opened if opened else row.crashed
                    frame = FrameView(row, event.platform, key=key, expanded=expanded)
                    frame.add_class(indent)
                    widgets.append(frame)
                else:
                    widgets.append(Static(gap_content(row), classes=f"gap {indent}"))
        return widgets

    def focus_frame(self) -> Widget:
        """Focus the frame the user was last on, else the crashing frame; return it."""
        frames = list(self.query(FrameView))
        remembered = [frame for frame in frames if frame.key == self.last_frame]
        crashed = [frame for frame in frames if frame.row.crashed]
        candidates: list[Widget] = [*remembered, *crashed, *frames, self]
        target = candidates[0]
        target.focus(scroll_visible=False)
        return target

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        if isinstance(event.widget, FrameView):
            self.last_frame = event.widget.key

    def action_frame(self, step: int) -> None:
        frames = list(self.query(FrameView))
        if not frames:
            return
        focused = self.screen.focused
        index = frames.index(focused) if focused in frames else -1
        target = frames[max(0, min(len(frames) - 1, index + step))]
        target.focus()
