"""The issue list as a DataTable: one row per issue, columns sized to the terminal.

Moves past the last loaded row are queued while the next page is on its way, so no key is lost.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from datetime import datetime

from rich.text import Text
from textual.binding import Binding
from textual.events import Resize
from textual.message import Message
from textual.widgets import DataTable

from tui.model import Issue
from tui.render.issue import Column, age_cell, issue_cells, issue_columns
from tui.watch import Change
from tui.widgets.mask_signal import on_mask_toggled

FLAGS_WIDTH = 2
FLAGS = Column("flags", "", FLAGS_WIDTH)
"""The first column: the mark (`▌`) and watch mode's badge (`N`ew, `R`egressed, `+` growing)."""
BADGE = {Change.NEW: "N", Change.REGRESSED: "R", Change.GROWING: "+"}
BADGE_COLOR = {Change.NEW: "accent", Change.REGRESSED: "error", Change.GROWING: "warning"}
"""Theme variables: cells carry concrete colours, taken from the theme when drawn."""


class IssueTable(DataTable[Text]):
    """Shows issues; posts `Highlighted` as the cursor moves and `Opened` on enter or click."""

    BINDINGS = [
        Binding("enter", "select_cursor", "Open", id="issues.open"),
        Binding("j", "cursor_down", "Down", show=False, id="issues.down"),
        Binding("k", "cursor_up", "Up", show=False, id="issues.up"),
        Binding("g,home", "first_row", "First issue", show=False, id="issues.first"),
        Binding("G,end", "last_row", "Last issue", show=False, id="issues.last"),
    ]

    class Highlighted(Message):
        def __init__(self, issue: Issue | None, near_end: bool) -> None:
            super().__init__()
            self.issue = issue
            self.near_end = near_end
            """The cursor is within a screen of the last row: time to fetch the next page."""

    class Opened(Message):
        def __init__(self, issue: Issue) -> None:
            super().__init__()
            self.issue = issue

    def __init__(
        self,
        clock: Callable[[], datetime],
        marks: Collection[str] = (),
        badges: Mapping[str, Change] | None = None,
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.clock = clock
        self.marks = marks
        """Ids of the marked issues: the screen's own set, read here to draw the mark column."""
        self.badges: Mapping[str, Change] = badges if badges is not None else {}
        """What watch mode saw change, by issue id: the screen's own dict."""
        self.assignees = False
        """Set by the screen when the backend can assign: adds the assignee column."""
        self.issues: list[Issue] = []
        self._rows: dict[str, int] = {}
        """Row index by issue id: updating one issue must not scan the list."""
        self._columns: list[Column] = []
        self.more_coming = False
        """Set by the screen while the server has another page for this list."""
        self.queued_rows = 0
        """Rows the user moved past the last loaded one; taken as the next page lands."""

    def on_mount(self) -> None:
        # Cells carry concrete colours taken from the theme; redraw them when it changes.
        self.app.theme_changed_signal.subscribe(self, self._redraw)
        on_mask_toggled(self, self._redraw)

    def _redraw(self, _theme: object = None) -> None:
        """Every cell again: after a theme change (colours) or the privacy mask's toggle."""
        self._rebuild(self.current_issue.id if self.current_issue else None)

    @property
    def current_issue(self) -> Issue | None:
        if not self.issues or not 0 <= self.cursor_row < len(self.issues):
            return None
        return self.issues[self.cursor_row]

    def show_issues(self, issues: list[Issue] | tuple[Issue, ...], *, append: bool = False) -> None:
        """Replace (or extend) the rows, keeping the cursor on the same issue when it stays."""
        current = self.current_issue
        if not append:
            self.issues, self._rows, self.queued_rows = [], {}, 0
        for issue in issues:
            self._rows[issue.id] = len(self.issues)
            self.issues.append(issue)
        if append and self._fit(self.size.width) == self._columns:
            for issue in issues:
                self._add_row(issue)
        else:
            self._rebuild(current.id if current else None)
        if append:
            self._take_queued_rows()

    def update_issue(self, issue: Issue) -> None:
        """Redraw one row from the server's latest copy of the issue."""
        index = self._rows.get(issue.id)
        if index is None:
            return
        self.issues[index] = issue
        if self._fit(self.size.width) != self._columns:  # a release or trend arrived
            self._rebuild(self.current_issue.id if self.current_issue else None)
            return
        for column, cell in zip(self._columns, self._cells(issue), strict=True):
            self.update_cell(issue.id, column.key, cell)
        self._post_highlight()

    def redraw_flags(self, issue_ids: Collection[str] | None = None) -> None:
        """Redraw the mark and badge of these issues (all when None) after marks changed."""
        for issue_id in self._rows if issue_ids is None else issue_ids:
            if issue_id in self._rows:
                self.update_cell(issue_id, FLAGS.key, self._flags(issue_id))

    def _fit(self, width: int) -> list[Column]:
        id_width = max((len(issue.short_id) for issue in self.issues), default=12)
        # The flags column and its padding come out of the width the issue columns share.
        columns = issue_columns(
            width - FLAGS_WIDTH - 2,
            id_width,
            self.assignees and any(issue.assignee for issue in self.issues),
            trend=any(issue.trend for issue in self.issues),
            releases=any(issue.first_release or issue.last_release for issue in self.issues),
        )
        return [FLAGS, *columns]

    def _cells(self, issue: Issue) -> list[Text]:
        cells = issue_cells(issue, self._columns[1:], self.clock(), self.app.theme_variables)
        return [self._flags(issue.id), *cells]

    def _flags(self, issue_id: str) -> Text:
        colors = self.app.theme_variables
        marked = issue_id in self.marks
        mark = Text("▌", style=colors.get("accent", "bold")) if marked else Text(" ")
        change = self.badges.get(issue_id)
        if change is None:
            return mark
        color = colors.get(f"text-{BADGE_COLOR[change]}", colors.get(BADGE_COLOR[change], ""))
        return mark + Text(BADGE[change], style=f"bold {color}".strip())

    def _add_row(self, issue: Issue) -> None:
        self.add_row(*self._cells(issue), key=issue.id)

    def _rebuild(self, keep: str | None = None) -> None:
        self.clear(columns=True)
        self._columns = self._fit(self.size.width or self.app.size.width)
        for column in self._columns:
            self.add_column(Text(column.label), width=column.width, key=column.key)
        for issue in self.issues:
            self._add_row(issue)
        if keep in self._rows:
            self.move_cursor(row=self._rows[keep], animate=False)
        self._post_highlight()

    # -- cursor movement: queued past the end while more rows are coming -----------------

    @property
    def known_ids(self) -> set[str]:
        return set(self._rows)

    def index_of(self, issue_id: str) -> int | None:
        return self._rows.get(issue_id)

    @property
    def last_row(self) -> int:
        return max(0, len(self.issues) - 1)

    def _move_down(self, rows: int) -> None:
        target = self.cursor_row + rows
        if target > self.last_row and self.more_coming:
            self.queued_rows += target - self.last_row
        self.move_cursor(row=min(target, self.last_row))

    def _take_queued_rows(self) -> None:
        queued, self.queued_rows = self.queued_rows, 0
        if queued:
            self._move_down(queued)
        # The cursor may still be near the end (or not have moved at all): ask again.
        self._post_highlight()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cursor_down" and self.cursor_row >= self.last_row:
            # Greyed (not hidden) so that the key says why nothing happens.
            return True if self.more_coming else None
        return True

    def disabled_reason(self, action: str, parameters: tuple[object, ...]) -> str | None:
        if action == "cursor_down" and self.issues:
            return f"no more issues: this is the last of {len(self.issues)}"
        return None

    def action_cursor_down(self) -> None:
        self._move_down(1)

    def action_page_down(self) -> None:
        header = self.header_height if self.show_header else 0
        self._move_down(max(1, self.scrollable_content_region.height - header))

    def action_cursor_up(self) -> None:
        # Going back up means the user no longer wants the rows still to come.
        self.queued_rows = 0
        super().action_cursor_up()

    def action_page_up(self) -> None:
        self.queued_rows = 0
        super().action_page_up()

    def action_first_row(self) -> None:
        self.queued_rows = 0
        self.move_cursor(row=0)

    def action_last_row(self) -> None:
        # Reaching the last row is also what asks the screen for the next page.
        self.move_cursor(row=self.last_row)

    def on_resize(self, event: Resize) -> None:
        if self._fit(event.size.width) != self._columns:
            self._rebuild(self.current_issue.id if self.current_issue else None)

    def refresh_times(self) -> None:
        """Re-render the ages ("3m") so they stay true as the clock moves: one cell per row,
        and only the cells whose text changed (most of a long list is days old)."""
        if not any(column.key == "last_seen" for column in self._columns):
            return
        now = self.clock()
        for issue in self.issues:
            age = age_cell(issue, now)
            if self.get_cell(issue.id, "last_seen").plain != age.plain:
                self.update_cell(issue.id, "last_seen", age)

    def _post_highlight(self) -> None:
        # Ask for the next page a screen ahead, so that scrolling rarely waits for it.
        ahead = max(1, self.scrollable_content_region.height)
        near_end = bool(self.issues) and self.cursor_row >= len(self.issues) - ahead
        self.post_message(self.Highlighted(self.current_issue, near_end))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._post_highlight()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if (issue := self.current_issue) is not None:
            self.post_message(self.Opened(issue))
