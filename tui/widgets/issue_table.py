"""The issue list as a DataTable: one row per issue, columns sized to the terminal."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from rich.text import Text
from textual.binding import Binding
from textual.events import Resize
from textual.message import Message
from textual.widgets import DataTable

from tui.model import Issue
from tui.render.issue import Column, issue_cells, issue_columns


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
        def __init__(self, issue: Issue | None, at_end: bool) -> None:
            super().__init__()
            self.issue = issue
            self.at_end = at_end
            """The cursor is on the last row: time to fetch the next page."""

    class Opened(Message):
        def __init__(self, issue: Issue) -> None:
            super().__init__()
            self.issue = issue

    def __init__(self, clock: Callable[[], datetime], *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.clock = clock
        self.issues: list[Issue] = []
        self._columns: list[Column] = []

    def on_mount(self) -> None:
        # Cells carry concrete colours taken from the theme; redraw them when it changes.
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, _theme: object) -> None:
        self._rebuild(self.current_issue.id if self.current_issue else None)

    @property
    def current_issue(self) -> Issue | None:
        if not self.issues or not 0 <= self.cursor_row < len(self.issues):
            return None
        return self.issues[self.cursor_row]

    def show_issues(self, issues: list[Issue] | tuple[Issue, ...], *, append: bool = False) -> None:
        """Replace (or extend) the rows, keeping the cursor on the same issue when it stays."""
        current = self.current_issue
        self.issues = [*self.issues, *issues] if append else list(issues)
        if append and self._fit(self.size.width) == self._columns:
            for issue in issues:
                self._add_row(issue)
            return
        self._rebuild(current.id if current else None)

    def update_issue(self, issue: Issue) -> None:
        """Redraw one row from the server's latest copy of the issue."""
        for index, existing in enumerate(self.issues):
            if existing.id == issue.id:
                self.issues[index] = issue
                cells = self._cells(issue)
                for column, cell in zip(self._columns, cells, strict=True):
                    self.update_cell(issue.id, column.key, cell)
        self._post_highlight()

    def _fit(self, width: int) -> list[Column]:
        id_width = max((len(issue.short_id) for issue in self.issues), default=12)
        return issue_columns(width, id_width)

    def _cells(self, issue: Issue) -> list[Text]:
        return issue_cells(issue, self._columns, self.clock(), self.app.theme_variables)

    def _add_row(self, issue: Issue) -> None:
        self.add_row(*self._cells(issue), key=issue.id)

    def _rebuild(self, keep: str | None = None) -> None:
        self.clear(columns=True)
        self._columns = self._fit(self.size.width or self.app.size.width)
        for column in self._columns:
            self.add_column(Text(column.label), width=column.width, key=column.key)
        for issue in self.issues:
            self._add_row(issue)
        ids = [issue.id for issue in self.issues]
        if keep in ids:
            self.move_cursor(row=ids.index(keep), animate=False)
        self._post_highlight()

    def action_first_row(self) -> None:
        self.move_cursor(row=0)

    def action_last_row(self) -> None:
        # Reaching the last row is also what asks the screen for the next page.
        self.move_cursor(row=max(0, len(self.issues) - 1))

    def on_resize(self, event: Resize) -> None:
        if self._fit(event.size.width) != self._columns:
            self._rebuild(self.current_issue.id if self.current_issue else None)

    def refresh_times(self) -> None:
        """Re-render rows so relative ages ("3m") stay true as the clock moves."""
        for issue in list(self.issues):
            self.update_issue(issue)

    def _post_highlight(self) -> None:
        at_end = bool(self.issues) and self.cursor_row >= len(self.issues) - 1
        self.post_message(self.Highlighted(self.current_issue, at_end))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._post_highlight()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if (issue := self.current_issue) is not None:
            self.post_message(self.Opened(issue))
