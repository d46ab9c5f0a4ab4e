"""The exception chain of one event as one Line-API widget: rows render only when on screen.

Per-frame state (source shown, variables shown) lives in sets keyed by `FrameKey`; a prefix
sum over block heights maps a screen row to its block in O(log n), so 10,000 frames cost what
a screenful costs.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from itertools import accumulate

from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.content import Content
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.model import Event, Frame
from tui.render.text import plain
from tui.render.trace import WINDOW_LEAD
from tui.render.trace_lines import (
    Block,
    FrameBlock,
    FrameKey,
    trace_blocks,
)
from tui.widgets.lines import NO_WRAP, content_strips

CHUNK = 64
"""Rows of a frame rendered (and highlighted) together: a 50,000-line frame renders by chunk."""
MIN_SIDEWAYS_STEP = 8
"""Columns one sideways key moves at the least; otherwise a third of the width."""


class StackTraceView(ScrollView, can_focus=True):
    """Renders `Event.exceptions`; a cursor on one frame moves with `j`/`k`.

    Rows never wrap (only an event's message folds): `l` scrolls the whole view sideways, and a
    long source line, shown as a window from just before its crash column, grows as far as the
    view is scrolled. `h` back past the left edge moves only such windows, to what comes
    before the crash column.
    """

    BINDINGS = [
        Binding("j,down", "cursor(1)", "Next frame", show=False, id="trace.next_frame"),
        Binding("k,up", "cursor(-1)", "Previous frame", show=False, id="trace.previous_frame"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="trace.page_down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="trace.page_up"),
        Binding("home", "cursor_to(0)", "First frame", show=False, id="trace.first_frame"),
        Binding("end", "cursor_to(-1)", "Last frame", show=False, id="trace.last_frame"),
        Binding(
            "enter",
            "toggle_context",
            "Source",
            tooltip="lines around the frame",
            show=False,
            id="frame.context",
        ),
        Binding("v", "toggle_vars", "Vars", tooltip="local variables", id="frame.vars"),
        Binding("l,right", "sideways(1)", "Scroll right", show=False, id="trace.scroll_right"),
        Binding("h,left", "sideways(-1)", "Scroll left", show=False, id="trace.scroll_left"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.event: Event | None = None
        self.in_app_only = True
        self.expanded: set[FrameKey] = set()
        self.show_vars: set[FrameKey] = set()
        self._blocks: list[Block] = []
        self._heights: list[int] = []
        self._starts: list[int] = []
        """First row of each block: the prefix sum `render_line` bisects."""
        self._frames: list[int] = []
        """Indices into `_blocks` of the frame blocks, in display order."""
        self._frame_blocks: list[FrameBlock] = []
        self._cursor: int | None = None
        """Position in `_frames` of the frame under the cursor."""
        self._width = 0
        self.x_offset = 0
        """Columns scrolled sideways; below 0, how far long lines' windows start earlier."""
        self._left_limit = 0
        """How far left of 0 `x_offset` may go: the latest start of a long line's window."""
        self._widest = 0
        """Cells of the widest row rendered so far: how far a sideways scroll may go."""
        self._strips: LRUCache[tuple[int, int, bool, bool, bool], list[Strip]] = LRUCache(256)

    # -- public --------------------------------------------------------------------------

    def show(self, event: Event, *, in_app_only: bool) -> None:
        """Draw `event`. The same event redrawn (`a`, `m`, symbolication) keeps the open frames
        and the cursor's frame; a new one opens on its crashing frame."""
        blocks = trace_blocks(event, in_app_only=in_app_only)
        same_event = self.event is not None and self.event.id == event.id
        remembered = self.cursor_key if same_event else None
        if not same_event:
            self.expanded.clear()
            self.show_vars.clear()
            self.x_offset = 0
        self.event, self.in_app_only, self._blocks = event, in_app_only, blocks
        frames = [(i, block) for i, block in enumerate(blocks) if isinstance(block, FrameBlock)]
        self._frames = [i for i, _ in frames]
        self._frame_blocks = [block for _, block in frames]
        columns = (block.row.frame.colno or 0 for block in self._frame_blocks)
        self._left_limit = max((column - 1 - WINDOW_LEAD for column in columns), default=0)
        crashed = [i for i, block in enumerate(self._frame_blocks) if block.row.crashed]
        if not same_event:
            self.expanded.update(self._frame_blocks[i].key for i in crashed)
        kept = [i for i, block in enumerate(self._frame_blocks) if block.key == remembered]
        self._cursor = next(iter(kept + crashed + [0]), None) if self._frames else None
        self._width = 0  # forces a fresh layout
        self._layout()

    @property
    def cursor_frame(self) -> Frame | None:
        """The frame under the cursor (where frame keys such as copy or open will act)."""
        block = self._cursor_block()
        return block.row.frame if block else None

    @property
    def frames(self) -> list[Frame]:
        """The frames shown, in display order (the filter may hide library frames)."""
        return [block.row.frame for block in self._frame_blocks]

    @property
    def cursor_key(self) -> FrameKey | None:
        block = self._cursor_block()
        return block.key if block else None

    # -- layout --------------------------------------------------------------------------

    def _cursor_block(self) -> FrameBlock | None:
        return None if self._cursor is None else self._frame_blocks[self._cursor]

    def _layout(self) -> None:
        """Row counts and row starts for the current width; nothing renders here."""
        width = self.scrollable_content_region.width
        if width <= 0 or width == self._width:
            return
        self._width = width
        self._strips.clear()
        self._widest = 0
        self._heights = [self._block_height(block) for block in self._blocks]
        self._update_starts()
        self._scroll_to_cursor()

    def _block_height(self, block: Block) -> int:
        if isinstance(block, FrameBlock):
            return block.height(block.key in self.expanded, block.key in self.show_vars)
        return block.height(self._width)

    def _update_starts(self) -> None:
        self._starts = list(accumulate(self._heights, initial=0))[:-1]
        total = self._starts[-1] + self._heights[-1] if self._blocks else 0
        self.virtual_size = Size(self._width, total)
        self.refresh()

    def on_resize(self) -> None:
        self._layout()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()  # the theme changed: cached strips have the old colours

    # -- rendering -----------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        row = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        if not self._blocks or self._width != width or row >= self.virtual_size.height:
            return Strip.blank(width, self.visual_style.rich_style)
        index = bisect_right(self._starts, row) - 1
        local = row - self._starts[index]
        return self._chunk(index, local // CHUNK)[local % CHUNK]

    def _chunk(self, index: int, chunk: int) -> list[Strip]:
        """Strips of rows `chunk * CHUNK` onwards of one block, rendered once and cached."""
        block = self._blocks[index]
        cursor = self._cursor is not None and self._frames[self._cursor] == index
        state = (
            (block.key in self.expanded, block.key in self.show_vars)
            if isinstance(block, FrameBlock)
            else (False, False)
        )
        cache_key = (index, chunk, *state, cursor)
        if (strips := self._strips.get(cache_key)) is not None:
            return strips
        start = chunk * CHUNK
        stop = min(start + CHUNK, self._heights[index])
        try:
            if isinstance(block, FrameBlock):
                prefix = block.prefix(cursor)
                rows = block.lines(*state, start, stop, reveal=self.x_offset)
                lines = [prefix + line for line in rows]
            else:
                lines = block.lines(self._width, start, stop)
        except Exception as error:  # one hostile frame must not take the trace down with it
            note = plain(f"could not render this frame: {error}", "$text-error")
            lines = [note] + [Content("")] * (stop - start - 1)
        strips = [self._line_strip(line, cursor) for line in lines]
        self._strips[cache_key] = strips
        return strips

    def _line_strip(self, line: Content, cursor: bool) -> Strip:
        self._widest = max(self._widest, line.cell_length)
        x, width = max(self.x_offset, 0), self._width
        line = line.truncate(width + x, ellipsis=True, pad=True)
        if cursor:
            line = line.stylize_before("on $boost")
        strip = content_strips(self, line, width + x, NO_WRAP)[0]
        return strip.crop(x, x + width) if x else strip

    # -- cursor --------------------------------------------------------------------------

    def _move_cursor(self, position: int) -> None:
        if not self._frames:
            return
        self._cursor = max(0, min(len(self._frames) - 1, position))
        self.refresh()
        self._scroll_to_cursor()

    def _scroll_to_cursor(self) -> None:
        if self._cursor is None or not self._width:
            return
        index = self._frames[self._cursor]
        viewport = max(1, self.scrollable_content_region.height)
        top, height = self._starts[index], min(self._heights[index], viewport)
        if self._cursor == 0 and top < viewport:
            # The first frame: show the crash summary and title above it, as long as its
            # own first row stays on screen.
            top, height = 0, min(viewport, top + height)
        region = Region(0, top, self._width, height)
        self.scroll_to_region(region, animate=False, force=True, immediate=True)

    def action_cursor(self, step: int) -> None:
        if self._cursor is not None:
            self._move_cursor(self._cursor + step)

    def action_cursor_to(self, position: int) -> None:
        self._move_cursor(position % len(self._frames) if self._frames else 0)

    def action_page(self, direction: int) -> None:
        """Move the cursor about a screen's height, to the frame found there."""
        if self._cursor is None:
            return
        here = self._starts[self._frames[self._cursor]]
        target = here + direction * max(1, self.scrollable_content_region.height - 1)
        position = max(0, bisect_right(self._frames, target, key=self._starts.__getitem__) - 1)
        if position == self._cursor:
            position += direction
        self._move_cursor(position)

    def action_sideways(self, direction: int) -> None:
        """Scroll a third of the width left or right, no further than the widest row seen."""
        step = max(MIN_SIDEWAYS_STEP, self._width // 3)
        limit = max(0, self._widest - self._width)
        offset = max(-max(self._left_limit, 0), min(limit, self.x_offset + direction * step))
        if offset != self.x_offset:
            self.x_offset = offset
            self._strips.clear()  # rows are cut (and long lines windowed) for the old offset
            self.refresh()

    def action_toggle_context(self) -> None:
        self._toggle(self.expanded)

    def action_toggle_vars(self) -> None:
        self._toggle(self.show_vars)

    def _toggle(self, state: set[FrameKey]) -> None:
        block = self._cursor_block()
        if block is None or self._cursor is None:
            return
        state.symmetric_difference_update({block.key})
        index = self._frames[self._cursor]
        if self._width:
            self._heights[index] = self._block_height(block)
            self._update_starts()
            self._scroll_to_cursor()

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or not self._blocks or not self._width:
            return
        row = offset.y + self.scroll_offset.y
        index = bisect_right(self._starts, row) - 1
        position = bisect_left(self._frames, index)
        if position < len(self._frames) and self._frames[position] == index:
            self._move_cursor(position)
