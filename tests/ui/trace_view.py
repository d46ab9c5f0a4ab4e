"""Reading what the Line-API trace and list views draw, as a user would see it."""

from __future__ import annotations

from textual.scroll_view import ScrollView

from tui.app import StackdeckApp
from tui.widgets.stack_trace import StackTraceView


def trace_view(app: StackdeckApp) -> StackTraceView:
    return app.screen.query_one(StackTraceView)


def visible_text(view: ScrollView) -> str:
    """The rows on screen, as drawn (scrolled, cut at the edge)."""
    height = view.scrollable_content_region.height
    return "\n".join(view.render_line(y).text.rstrip() for y in range(height))
