"""Line-API helpers: `Content` to `Strip`s at a width, and a scrolling list of one-line rows."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from textual.binding import Binding
from textual.cache import LRUCache
from textual.content import Content
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.visual import RenderOptions
from textual.widget import Widget

from tui.render.text import plain
from tui.widgets.mask_signal import on_mask_toggled

NO_WRAP = {"text_wrap": "nowrap", "text_overflow": "ellipsis"}
WRAP = {"text_wrap": "wrap", "text_overflow": "fold"}
T = TypeVar("T")


def content_strips(
    widget: Widget, content: Content, width: int, rules: dict[str, str]
) -> list[Strip]:
    """`content` as the widget would draw it (theme variables resolved), at least one strip."""
    if width <= 0:
        return [Strip([])]
    options = RenderOptions(widget._get_style, rules)  # type: ignore[arg-type]
    return content.render_strips(width, None, widget.visual_style, options) or [Strip([])]


class LineList(ScrollView, can_focus=True):
    """Rows of one line each (breadcrumbs, tags, contexts), rendered only when on screen."""

    BINDINGS = [
        Binding("j,down", "scroll_down", "Scroll down", show=False, id="lines.down"),
        Binding("k,up", "scroll_up", "Scroll up", show=False, id="lines.up"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rows: Sequence[Any] = ()
        self._render_row: Callable[[Any], Content] = Content
        self._strips: LRUCache[int, Strip] = LRUCache(512)

    def on_mount(self) -> None:
        # Rows are rendered from their data when drawn: dropping the drawn ones is enough.
        on_mask_toggled(self, self._redraw)

    def _redraw(self) -> None:
        self._strips.clear()
        self.refresh()

    def show_rows(self, rows: Sequence[T], render_row: Callable[[T], Content]) -> None:
        """Show `rows`; `render_row` turns one into its line when it scrolls into view."""
        self._rows, self._render_row = rows, render_row
        self._strips.clear()
        self.virtual_size = Size(self.scrollable_content_region.width, len(rows))
        self.scroll_to(0, 0, animate=False, immediate=True)
        self.refresh()

    def on_resize(self) -> None:
        self._strips.clear()
        self.virtual_size = Size(self.scrollable_content_region.width, len(self._rows))

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()

    def render_line(self, y: int) -> Strip:
        row = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        if row >= len(self._rows):
            return Strip.blank(width, self.visual_style.rich_style)
        if (strip := self._strips.get(row)) is None:
            try:
                line = self._render_row(self._rows[row])
            except Exception as error:  # one hostile row must not take the tab down
                line = plain(f"could not render this row: {error}", "$text-error")
            line = line.truncate(width, ellipsis=True, pad=True)
            strip = self._strips[row] = content_strips(self, line, width, NO_WRAP)[0]
        return strip
