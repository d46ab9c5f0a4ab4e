"""The issue list: search, sort, environment, paging, status changes, marks and watch mode."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Static

from tui.backends.base import EVENT_LATEST, Backend
from tui.config import WATCH_INTERVAL, Profile
from tui.model import Feature, Issue, IssueQuery
from tui.prefetch import EventPrefetcher
from tui.release_details import refreshed
from tui.render.issue import empty_result
from tui.render.text import plain
from tui.screens.issue_health import ReleaseHealth
from tui.screens.outside import copy_text, open_in_browser, url_problem
from tui.screens.status import (
    describe_error,
    read_only_reason,
)
from tui.screens.triage_actions import (
    TRIAGE_ACTIONS,
    TriageActions,
    TriageHistory,
    triage_bindings,
)
from tui.widgets.footer import KeyFooter
from tui.widgets.issue_table import IssueTable
from tui.widgets.mask_signal import on_mask_toggled
from tui.widgets.query_bar import QueryBar

if TYPE_CHECKING:
    from tui.screens.issue_detail import Symbolicate
    from tui.triage import ChangeRecord


class IssueListScreen(TriageActions, ReleaseHealth):
    BINDINGS = [
        Binding("slash", "search", "Search", id="issues.search"),
        Binding("s", "cycle_sort", "Sort", id="issues.sort"),
        Binding("e", "environment", "Env", id="issues.environment"),
        Binding(
            "v",
            "pick_release",
            "Release",
            show=False,
            tooltip="show one release",
            id="issues.release",
        ),
        Binding("r", "resolve_issue", "Resolve", id="issues.resolve"),
        Binding("u", "reopen_issue", "Reopen", id="issues.reopen"),
        Binding("i", "ignore_issue", "Ignore", id="issues.ignore"),
        *triage_bindings("issues", show_undo=True),
        Binding("y", "copy_id", "Copy id", show=False, id="issues.copy_id"),
        Binding("Y", "copy_url", "Copy URL", show=False, id="issues.copy_url"),
        Binding(
            "o",
            "open_in_browser",
            "Browser",
            tooltip="open the issue's web page",
            id="issues.browser",
        ),
        Binding("ctrl+r", "refresh", "Refresh", show=False, id="issues.refresh"),
        Binding("space", "toggle_mark", "Mark", id="issues.mark"),
        Binding(
            "V",
            "mark_range",
            "Mark range",
            show=False,
            tooltip="anchor to cursor",
            id="issues.mark_range",
        ),
        Binding("ctrl+a", "mark_all", "Mark all", show=False, id="issues.mark_all"),
        Binding("escape", "clear_marks", "Clear marks", id="issues.clear_marks"),
        # esc again, when nothing is marked: out of a person's issues (`X` led here).
        Binding("escape", "all_issues", "All issues", id="issues.all_issues"),
        Binding("W", "toggle_watch", "Watch", tooltip="refresh, flag changes", id="issues.watch"),
        Binding("q", "app.quit", "Quit", id="issues.quit"),
    ]

    def __init__(
        self,
        backend: Backend,
        clock: Callable[[], datetime],
        title: str = "",
        query: IssueQuery | None = None,
        symbolicate: Symbolicate | None = None,
        *,
        read_only_profile: str | None = None,
        watch: bool = False,
        watch_interval: float = WATCH_INTERVAL,
        profile: Profile | None = None,
        history: TriageHistory | None = None,
    ) -> None:
        super().__init__(watch, watch_interval)
        self.backend = backend
        self.read_only_profile = read_only_profile
        """The profile's name when it is read-only: every mutating key is hidden and refused."""
        self.symbolicate = symbolicate
        self.profile = profile
        self.clock = clock
        self.heading = title
        self.issue_query = query or IssueQuery(sort=(backend.sort_options or ("date",))[0])
        self.next_cursor: str | None = None
        self.loading_more = False
        self.pending: set[str] = set()
        """Issues with a change in flight; their triage keys stay disabled."""
        self.history = history or TriageHistory()
        self.prefetcher = EventPrefetcher(backend)
        self._bindings_seen: tuple[tuple[str, str, bool], ...] = ()
        """The enabled state of every key when the footer was last rebuilt."""
        self._message = Content("")
        """The status line's message, drawn after the counters."""
        self.marked: set[str] = set()
        """Ids of the marked issues, for the bulk actions; kept across reloads while listed."""
        self.mark_anchor: str | None = None
        """The issue last marked or unmarked: where `V` starts its range."""

    def compose(self) -> ComposeResult:
        yield Static(id="title-bar")
        yield IssueTable(self.clock, self.marked, self.badges, id="issues")
        yield Static(id="empty-result")
        yield QueryBar(id="query-bar")
        yield Static(id="status-line")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.table.assignees = self.backend.capabilities.supports(Feature.ASSIGN)
        self._draw_title()
        on_mask_toggled(self, self._redraw_masked)
        self.load_issues()
        self.set_interval(60, self._clock_moved)
        self.start_watch_timer()

    def _redraw_masked(self) -> None:
        self._draw_title()
        self._draw_status()

    def _clock_moved(self) -> None:
        self.table.refresh_times()
        self._draw_status()  # "failed 2m ago" ages too

    # -- workers -------------------------------------------------------------------------

    @work(exclusive=True, group="issues")
    async def load_issues(self) -> None:
        """Fetch the first page for the current query; on failure keep the rows on screen."""
        self.loading_more = False
        self.table.loading = not self.table.issues
        self._set_status(Content.styled("loading…", "$text-muted"))
        try:
            page = await self.list_page()
        except Exception as error:  # anything else would close the app
            self._show_error("Could not load issues", error)
            return
        finally:
            self.table.loading = False
        self._set_next_cursor(page.next_cursor)
        # Marks stay on the issues still listed; the others can no longer be acted on.
        self.marked.intersection_update(issue.id for issue in page.issues)
        self.table.show_issues(page.issues)
        self._show_empty(not page.issues)
        self._set_status(Content(""))
        self._refresh_changed_bindings()
        self.describe_visible()

    @work(exclusive=True, group="issues")
    async def load_more(self) -> None:
        if self.next_cursor is None:
            return
        self.loading_more = True
        self._set_status(Content.styled("loading more…", "$text-muted"))
        try:
            page = await self.list_page(self.next_cursor)
        except Exception as error:  # anything else would close the app
            self.table.queued_rows = 0
            self._show_error("Could not load more issues", error)
            return
        finally:
            self.loading_more = False
        self._set_next_cursor(page.next_cursor)
        known = self.table.known_ids
        fresh = [i for i in page.issues if i.id not in known]
        if self.by_priority:  # the new rows may outrank the ones on screen
            self.table.show_issues(self.ordered([*self.table.issues, *fresh]))
        else:
            self.table.show_issues(fresh, append=True)
        self._set_status(Content(""))
        self.describe_visible()

    # -- display -------------------------------------------------------------------------

    def _draw_title(self) -> None:
        query = self.issue_query
        facts = []
        if query.person:  # first: a narrow terminal cuts the end, and esc is the way out
            facts.append(
                Content.assemble(
                    ("person ", "$text-muted"),
                    plain(query.person, "bold"),
                    (" (esc: all issues)", "$text-muted"),
                )
            )
        facts += [
            Content.assemble(("query ", "$text-muted"), plain(query.query or "(all)", "bold")),
            Content.assemble(("sort ", "$text-muted"), plain(query.sort)),
            Content.assemble(("env ", "$text-muted"), plain(query.environment or "all")),
        ]
        heading = Content.assemble(("stackdeck", "bold $text-accent"), "  ", plain(self.heading))
        if self.read_only_profile is not None:
            heading += Content.styled("  read-only", "bold $text-warning")
        self.query_one("#title-bar", Static).update(
            heading + Content.styled("  │  ", "$text-muted") + Content("  ").join(facts)
        )

    def _set_status(self, message: Content) -> None:
        self._message = message
        self._draw_status()

    def _draw_status(self) -> None:
        count = len(self.table.issues)
        more = "+" if self.next_cursor else ""
        noun = "issue" if count == 1 and not more else "issues"
        parts = [Content.styled(f"{count}{more} {noun}", "$text-muted")]
        if budget := getattr(self.backend, "rate_limit", None):  # when the server reports one
            parts.append(Content.styled(budget.describe(self.clock().timestamp()), "$text-muted"))
        if self.marked:
            parts.append(Content.styled(f"{len(self.marked)} marked", "bold $text-accent"))
        if self.by_priority:
            parts.append(self.priority_note(self.next_cursor is not None))
        if self.watching:
            parts.append(self._watch_state())
        if self._message:
            parts.append(self._message)
        self.query_one("#status-line", Static).update(Content("  ·  ").join(parts))

    def _set_next_cursor(self, cursor: str | None) -> None:
        self.next_cursor = cursor
        self.table.more_coming = cursor is not None

    def _show_empty(self, empty: bool) -> None:
        """An empty result says so, and how to widen it, instead of a bare table."""
        self.table.display = not empty
        message = self.query_one("#empty-result", Static)
        message.display = empty
        if empty:
            message.update(empty_result(self.issue_query))
        else:
            self.table.focus()

    def _show_error(self, what: str, error: Exception) -> None:
        detail = describe_error(error)
        self._set_status(plain(f"{what}: {detail}", "$text-error"))
        self.notify(f"{what}: {detail}", title="Error", severity="error", markup=False)

    # -- events and actions --------------------------------------------------------------

    def _binding_state(self) -> tuple[tuple[str, str, bool], ...]:
        bindings = self.active_bindings.items()
        return tuple((key, active.binding.action, active.enabled) for key, active in bindings)

    def refresh_bindings(self) -> None:
        if not self.is_attached:  # removed with its profile's mode, a queued call still comes
            return
        self._bindings_seen = self._binding_state()
        super().refresh_bindings()

    def _refresh_changed_bindings(self) -> None:
        # Each refresh rebuilds the footer: on every cursor move that adds up over a session.
        if self._binding_state() != self._bindings_seen:
            self.refresh_bindings()

    @on(IssueTable.Highlighted)
    def _highlighted(self, event: IssueTable.Highlighted) -> None:
        self._refresh_changed_bindings()
        self.describe_visible()
        self.prefetcher.rest_on(event.issue)
        if event.near_end and self.next_cursor and not self.loading_more:
            self.load_more()

    @on(IssueTable.Opened)
    def _opened(self, event: IssueTable.Opened) -> None:
        self.open_issue(event.issue)

    def open_issue(self, issue: Issue, event: str = EVENT_LATEST) -> None:
        """The issue screen over this list, showing `event` (an id lands on that event)."""
        # Imported on the first open: the trace view and its highlighter stay out of start-up.
        from tui.screens.issue_detail import IssueDetailScreen

        if self.badges.pop(issue.id, None) is not None:
            self.table.redraw_flags([issue.id])  # looked at: no longer news
        screen = IssueDetailScreen(
            self.backend,
            issue,
            self.clock,
            self.symbolicate,
            read_only_profile=self.read_only_profile,
            profile=self.profile,
            history=self.history,
            first_event=event,
        )
        self.app.push_screen(screen, callback=self._detail_closed)

    def _detail_closed(self, issue: Issue | None) -> None:
        if issue is not None:
            self._redraw_row(issue)

    def _redraw_row(self, issue: Issue) -> None:
        if (row := self.table.index_of(issue.id)) is not None:
            self.table.update_issue(refreshed(self.table.issues[row], issue))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if read_only_reason(action, self.read_only_profile):
            return False  # hidden from the footer; pressing it still says why
        if action in MARK_ACTIONS:
            return True if self.table.current_issue else None
        if action == "clear_marks":
            # Hidden without marks, so that esc keeps its other meanings.
            return bool(self.marked)
        if action == "all_issues":
            return bool(self.issue_query.person)
        if action in TRIAGE_ACTIONS:
            return None if self.triage_refusal(action) else True
        if action == "open_issue":
            return True if self.table.current_issue else None
        if action == "copy_id":
            return True if self.table.current_issue else None
        if action in ("copy_url", "open_in_browser"):
            return None if url_problem(self.table.current_issue) else True
        return True

    def disabled_reason(self, action: str, parameters: tuple[object, ...]) -> str | None:
        """Why a greyed key does nothing; the app shows it when such a key is pressed."""
        if refusal := read_only_reason(action, self.read_only_profile):
            return refusal
        if action in MARK_ACTIONS:
            return "no issue to mark"
        if action in TRIAGE_ACTIONS:
            return self.triage_refusal(action)
        if action == "copy_id":
            return "no issue is selected"
        if action in ("copy_url", "open_in_browser"):
            return url_problem(self.table.current_issue)
        return None

    def action_open_issue(self) -> None:
        if (issue := self.table.current_issue) is not None:
            self.open_issue(issue)

    def action_copy_id(self) -> None:
        if (issue := self.table.current_issue) is not None:
            copy_text(self, issue.short_id, "Issue id")

    def action_copy_url(self) -> None:
        issue = self.table.current_issue
        if issue is not None and not url_problem(issue):
            copy_text(self, issue.permalink, "Issue URL")

    def action_open_in_browser(self) -> None:
        issue = self.table.current_issue
        if issue is not None and not url_problem(issue):
            open_in_browser(self, issue.permalink, self._set_status)

    def action_refresh(self) -> None:
        self.load_issues()

    def action_search(self) -> None:
        bar = self.query_one(QueryBar)
        bar.ask("query", "search", self.issue_query.query, "is:unresolved level:error …")

    def action_environment(self) -> None:
        bar = self.query_one(QueryBar)
        bar.ask("environment", "environment", self.issue_query.environment, "empty for all")

    def action_cycle_sort(self) -> None:
        options = self.sort_choices
        current = options.index(self.issue_query.sort) if self.issue_query.sort in options else -1
        self.set_sort(options[(current + 1) % len(options)])

    def set_sort(self, sort: str) -> None:
        self._apply(replace(self.issue_query, sort=sort))

    def action_all_issues(self) -> None:
        """Out of one person's issues, to the list the profile opens with."""
        self._apply(replace(self.issue_query, person="", query=IssueQuery().query))

    def _apply(self, query: IssueQuery) -> None:
        self.issue_query = query
        self.next_cursor = None
        self._draw_title()
        self.load_issues()

    # -- triage: the hooks of TriageActions ------------------------------------------------

    def triage_targets(self) -> tuple[list[Issue], bool]:
        if self.marked:
            return self.marked_issues, True
        issue = self.table.current_issue
        return ([issue] if issue else []), False

    def show_changed(self, issues: Sequence[Issue]) -> None:
        for issue in issues:
            self._redraw_row(issue)

    def triage_done(self, record: ChangeRecord) -> None:
        """Failures stay marked for a retry; what worked is unmarked."""
        if self.marked:
            failed = set(record.failed)
            done = [r.issue_id for r in record.results if r.issue_id not in failed]
            self.marked.difference_update(done)
            self._marks_changed(done)
        self._refresh_changed_bindings()  # `z` has something to undo, or no longer

    # -- marks: plain data here, drawn by the table ----------------------------------------

    @property
    def marked_issues(self) -> list[Issue]:
        """The marked issues in list order: what a bulk action acts on."""
        return [issue for issue in self.table.issues if issue.id in self.marked]

    def action_toggle_mark(self) -> None:
        if (issue := self.table.current_issue) is None:
            return
        self.marked.symmetric_difference_update({issue.id})
        self.mark_anchor = issue.id
        self._marks_changed([issue.id])

    def action_mark_range(self) -> None:
        """Mark every row from the anchor (the row last marked or unmarked) to the cursor;
        without an anchor, the cursor's row. The cursor's row is the next anchor."""
        if (issue := self.table.current_issue) is None:
            return
        cursor = self.table.cursor_row
        anchor = self.table.index_of(self.mark_anchor) if self.mark_anchor else None
        first, last = sorted((cursor, cursor if anchor is None else anchor))
        ids = [row.id for row in self.table.issues[first : last + 1]]
        self.marked.update(ids)
        self.mark_anchor = issue.id
        self._marks_changed(ids)

    def action_mark_all(self) -> None:
        self.marked.update(self.table.known_ids)
        self._marks_changed(None)

    def action_clear_marks(self) -> None:
        cleared = list(self.marked)
        self.marked.clear()
        self.mark_anchor = None
        self._marks_changed(cleared)

    def _marks_changed(self, issue_ids: list[str] | None) -> None:
        self.table.redraw_flags(issue_ids)
        self._draw_status()
        self._refresh_changed_bindings()  # esc appears or goes

    @on(QueryBar.Submitted)
    def _query_submitted(self, event: QueryBar.Submitted) -> None:
        if event.field == "environment":
            self._apply(replace(self.issue_query, environment=event.value))
        else:
            self._apply(replace(self.issue_query, query=event.value))
        self.table.focus()

    @on(QueryBar.Cancelled)
    def _query_cancelled(self) -> None:
        self.table.focus()


MARK_ACTIONS = frozenset({"toggle_mark", "mark_range", "mark_all"})
