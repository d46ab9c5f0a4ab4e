"""One issue: header, the latest (or any) event's stack trace, breadcrumbs, tags, contexts."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static, TabbedContent, TabPane
from textual.worker import Worker, WorkerState

from tui.backends.base import EVENT_LATEST, Backend
from tui.backends.errors import BackendError
from tui.config import Profile
from tui.model import Breadcrumb, Event, EventLinks, Frame, Grouping, Issue
from tui.render.event import breadcrumb_line, detail_line, detail_rows, event_bar
from tui.render.issue import issue_header
from tui.render.raw import raw_trace
from tui.render.report import event_report_text
from tui.render.text import plain, sanitize
from tui.render.trace import has_minified, minified_view
from tui.screens.local_source import edit_frame, event_with_local_context, has_local_roots
from tui.screens.outside import NO_PROFILE, copy_text, frame_location, open_in_browser, url_problem
from tui.screens.status import read_only_reason
from tui.screens.triage_actions import (
    TRIAGE_ACTIONS,
    TriageActions,
    TriageHistory,
    triage_bindings,
)
from tui.triage import ChangeRecord
from tui.widgets.footer import KeyFooter
from tui.widgets.lines import LineList
from tui.widgets.mask_signal import on_mask_toggled
from tui.widgets.stack_trace import StackTraceView

Symbolicate = Callable[[Event], Awaitable[Event]]
"""Resolves minified frames locally; returns the event with the minified frames moved to
`ExceptionValue.raw_stacktrace` (what `SymbolicationResult.apply` does)."""


class IssueDetailScreen(TriageActions, Screen[Issue]):
    """Dismisses with the issue as last reported by the server, so the list can redraw it.

    `y` copies where the user is looking: on the stack trace tab the cursor frame's
    `path:line`, on the other tabs the issue's short id (the footer names which); `Y` always
    copies the issue's URL, `T` the whole trace as text.
    """

    BINDINGS = [
        Binding("escape,q", "back", "Back", id="detail.back"),
        Binding("r", "resolve_issue", "Resolve", id="detail.resolve"),
        Binding("u", "reopen_issue", "Reopen", id="detail.reopen"),
        Binding("i", "ignore_issue", "Ignore", id="detail.ignore"),
        *triage_bindings("detail", show_undo=False, resolve_in_key="alt+r"),
        Binding("H", "show_activity", "Activity", id="detail.activity"),
        Binding("p", "event('previous')", "Older", id="detail.previous_event"),
        Binding("n", "event('next')", "Newer", id="detail.next_event"),
        Binding("L", "event('latest')", "Latest event", show=False, id="detail.latest_event"),
        Binding("O", "event('oldest')", "Oldest event", show=False, id="detail.oldest_event"),
        Binding(
            "a",
            "toggle_in_app",
            "In-app",
            tooltip="only your code / all frames",
            id="detail.in_app",
        ),
        Binding(
            "m", "toggle_minified", "Minified", tooltip="minified / resolved", id="detail.minified"
        ),
        Binding(
            "R",
            "toggle_raw",
            "Raw",
            tooltip="the trace as the SDK prints it",
            show=False,
            id="detail.raw",
        ),
        Binding("t", "tab('trace')", "Stack trace", show=False, id="detail.tab_trace"),
        Binding("b", "tab('breadcrumbs')", "Breadcrumbs", show=False, id="detail.tab_crumbs"),
        Binding("c", "tab('context')", "Tags & context", show=False, id="detail.tab_context"),
        Binding("ctrl+r", "refresh", "Refresh", show=False, id="detail.refresh"),
        # Two bindings of `y`: the first that applies runs and is the one the footer shows.
        Binding("y", "copy_location", "Copy path:line", id="detail.copy_location"),
        Binding("y", "copy_id", "Copy id", id="detail.copy_id"),
        Binding("Y", "copy_url", "Copy URL", show=False, id="detail.copy_url"),
        Binding(
            "o",
            "open_in_browser",
            "Browser",
            tooltip="open the issue's web page",
            id="detail.browser",
        ),
        Binding("T", "copy_trace", "Copy trace", show=False, id="detail.copy_trace"),
        Binding("X", "follow_link", "Linked error", id="detail.linked"),
        Binding("e", "edit_frame", "Edit", tooltip="the frame's file", id="detail.edit"),
    ]

    class FollowLink(Message):
        """Open what the event links to in the other server's profile (the app switches)."""

        def __init__(self, links: EventLinks) -> None:
            super().__init__()
            self.links = links

    def __init__(
        self,
        backend: Backend,
        issue: Issue,
        clock: Callable[[], datetime],
        symbolicate: Symbolicate | None = None,
        *,
        read_only_profile: str | None = None,
        profile: Profile | None = None,
        history: TriageHistory | None = None,
        first_event: str = EVENT_LATEST,
    ) -> None:
        super().__init__()
        self.first_event = first_event
        """The event shown first: `latest`, or the id a link from another server named."""
        self.backend = backend
        self.read_only_profile = read_only_profile
        """The profile's name when it is read-only: every mutating key is hidden and refused."""
        self.issue = issue
        self.clock = clock
        self.symbolicate = symbolicate
        self.profile = profile or NO_PROFILE
        """Its code mappings and symbol paths lead a frame to its file on this machine."""
        self.event: Event | None = None
        """The event as best resolved so far; `show_minified` draws its minified frames."""
        self.in_app_only = True
        self.show_minified = False
        self.show_raw = False
        """The trace tab shows `raw_trace` text instead of the frame view."""
        self.pending: set[str] = set()
        """The issue while a change to it is in flight."""
        self.history = history or TriageHistory()
        self.loading_event = False
        self.groupings: dict[str, Grouping] = {}
        """Event id -> its grouping with the server's details, once read (the context tab)."""

    def compose(self) -> ComposeResult:
        yield Static(id="issue-header")
        yield Static(id="event-bar")
        with TabbedContent(id="tabs", initial="trace"):
            with TabPane("Stack trace", id="trace"):
                yield StackTraceView(id="stack-trace")
                yield LineList(id="raw-trace")
            with TabPane("Breadcrumbs", id="breadcrumbs"):
                yield LineList(id="breadcrumb-list")
            with TabPane("Tags & context", id="context"):
                yield LineList(id="context-list")
        yield Static(id="status-line")
        yield KeyFooter()

    def on_mount(self) -> None:
        self._draw_header()
        on_mask_toggled(self, self._redraw_masked)
        self.query_one("#event-bar", Static).update(Content.styled("loading event…", "$text-muted"))
        self.fetch_event(self.first_event)

    # -- workers -------------------------------------------------------------------------

    @work(exclusive=True, group="event", exit_on_error=False)
    async def fetch_event(self, ref: str) -> None:
        """Load an event (`latest`, `oldest` or an id) and draw it; keep the old one on error."""
        self.loading_event = True
        self.refresh_bindings()
        self._set_status(plain(f"loading {ref[:12]} event…", "$text-muted"))
        try:
            event = await self.backend.get_event(self.issue.id, ref)
        except BackendError as error:
            self._show_error("Could not load the event", error)
            return
        finally:
            self.loading_event = False
            self.refresh_bindings()
        self.show_event(event)
        self._set_status(self._hint())
        if self.symbolicate is not None:
            self.symbolicate_event(event)
        else:
            self.read_local_source(event)

    @work(exclusive=True, group="issue", exit_on_error=False)
    async def refresh_issue(self) -> None:
        """Re-read counts and status; a status change in flight has the last word."""
        try:
            issue = await self.backend.get_issue(self.issue.id)
        except BackendError as error:
            self._show_error("Could not refresh the issue", error)
            return
        if not self.pending:
            self.issue = issue
            self._draw_header()
            self.refresh_bindings()

    @work(exclusive=True, group="symbols", exit_on_error=False)
    async def symbolicate_event(self, event: Event) -> None:
        """Resolve minified frames locally, then redraw the trace in place."""
        assert self.symbolicate is not None
        self._set_status(Content.styled("resolving minified frames…", "$text-muted"))
        try:
            resolved = await self.symbolicate(event)
        except Exception as error:  # a failed lookup must never close the screen
            self._set_status(plain(f"Could not resolve frames: {error}", "$text-warning"))
            self.read_local_source(event)
            return
        if self.event is not event:
            return  # the user moved to another event meanwhile
        if resolved != event:
            self.show_event(resolved)
        self._set_status(self._hint())
        # After symbolication: the resolved frames name the original source files.
        self.read_local_source(self.event)

    @work(exclusive=True, group="grouping", exit_on_error=False)
    async def fetch_grouping(self, event: Event) -> None:
        """The server's grouping details for the context tab, once per event (the backend
        remembers them); a failure leaves what the event itself says."""
        details = getattr(self.backend, "grouping_details", None)
        if details is None or event.id in self.groupings:
            return
        try:
            grouping = await details(self.issue, event)
        except BackendError as error:
            self._set_status(plain(f"Could not read the grouping info: {error}", "$text-warning"))
            return
        self.groupings[event.id] = grouping
        if self.event is not None and self.event.id == event.id:
            self._draw_context(self.event)

    @work(exclusive=True, group="local", exit_on_error=False)
    async def read_local_source(self, event: Event) -> None:
        """Frames without source lines get them from local files, found as `e` finds them."""
        if not has_local_roots(self.profile):
            return
        local = await asyncio.to_thread(event_with_local_context, event, self.profile)
        if self.event is event and local is not event:
            self.show_event(local)

    # -- display -------------------------------------------------------------------------

    def show_event(self, event: Event) -> None:
        """Draw an event; called again when symbolication resolved its frames.

        Each part draws on its own: a part that fails to render says so in its place and
        the others stay browsable.
        """
        self.event = event
        self._draw("event bar", lambda: self._draw_event_bar(event))
        self._draw_trace()
        self._draw(
            "breadcrumbs",
            lambda: self.query_one("#breadcrumb-list", LineList).show_rows(
                event.breadcrumbs or [None], _breadcrumb_or_none
            ),
        )
        self._draw_context(event)
        if self._on_context_tab:
            self.fetch_grouping(event)
        self.refresh_bindings()

    def _draw_context(self, event: Event) -> None:
        # The grouping details are drawn, never put into `self.event`: workers in flight
        # (symbolication, local source) recognise their event by identity.
        if (grouping := self.groupings.get(event.id)) is not None:
            event = dataclasses.replace(event, grouping=grouping)
        self._draw(
            "tags and contexts",
            lambda: self.query_one("#context-list", LineList).show_rows(
                detail_rows(event), detail_line
            ),
        )

    def _redraw_masked(self) -> None:
        self._draw_header()
        if self.event is not None:
            self.show_event(self.event)

    def _draw_event_bar(self, event: Event) -> None:
        self.query_one("#event-bar", Static).update(event_bar(event, self.clock()))

    def _draw(self, what: str, draw: Callable[[], None]) -> None:
        try:
            draw()
        except Exception as error:  # a hostile event must not close the screen
            self._show_error(f"Could not show the {what}", error)

    @property
    def _on_trace_tab(self) -> bool:
        return self.query_one(TabbedContent).active == "trace"

    @property
    def _on_context_tab(self) -> bool:
        return self.query_one(TabbedContent).active == "context"

    def _draw_header(self) -> None:
        self.query_one("#issue-header", Static).update(issue_header(self.issue, self.clock()))

    def _hint(self) -> Content:
        if not self._on_trace_tab:
            return Content.styled("j/k: scroll · t/b/c: tabs · ?: all keys", "$text-muted")
        if self.show_raw:
            return Content.styled(
                "raw trace, as the SDK prints it · R: frames · t/b/c: tabs · ?: all keys",
                "$text-muted",
            )
        frames = "in-app frames" if self.in_app_only else "all frames"
        if self.event is not None and has_minified(self.event):
            frames += " · minified" if self.show_minified else " · resolved"
        return Content.styled(
            f"{frames} · enter: source · v: variables · h/l: sideways · R: raw · t/b/c: tabs"
            " · ?: all keys",
            "$text-muted",
        )

    def _set_status(self, message: Content) -> None:
        self.query_one("#status-line", Static).update(message)

    def _show_error(self, what: str, error: BaseException) -> None:
        self._set_status(plain(f"{what}: {error}", "$text-error"))
        # Error text can quote the server: escapes must not reach the terminal through a toast.
        message = sanitize(f"{what}: {error}")
        self.notify(message, title="Error", severity="error", markup=False)

    # -- actions -------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if read_only_reason(action, self.read_only_profile):
            return False  # hidden from the footer; pressing it still says why
        if self._refusal(action, parameters) is None:
            return True
        # Hidden, not greyed: `y` falls through to copying the id; most events have nothing
        # minified and the footer is narrow.
        return False if action in ("copy_location", "toggle_minified") else None

    def disabled_reason(self, action: str, parameters: tuple[object, ...]) -> str | None:
        """Why `action` is refused now, in words for the status line; None if it is not (the
        app shows this when a dimmed or hidden key is pressed)."""
        return read_only_reason(action, self.read_only_profile) or self._refusal(action, parameters)

    def _refusal(self, action: str, parameters: tuple[object, ...]) -> str | None:
        """The one place that decides whether a key applies now: None, or why not."""
        loading = "the event is still loading" if self.event is None else None
        if action in TRIAGE_ACTIONS:
            return self.triage_refusal(action)
        if action == "event":
            which = str(parameters[0])
            return None if self._event_ref(which) else self._event_refusal(which)
        if action == "toggle_in_app":
            if self.show_raw:
                return "the raw trace shows every frame (R: back to the frames)"
            return None if self.event and self.event.exceptions else "this event has no stack trace"
        if action in ("toggle_raw", "copy_trace"):
            return loading
        if action == "toggle_minified":
            return (
                None
                if self.event and has_minified(self.event)
                else "nothing minified in this event"
            )
        if action in ("copy_location", "edit_frame"):
            if not self._on_trace_tab:
                return "it opens the frame under the cursor: go to the stack trace (t)"
            if self.show_raw:
                return "it opens the frame under the cursor: R shows the frames again"
            return None if self._cursor_frame else "this event has no stack frames"
        if action in ("copy_url", "open_in_browser"):
            return url_problem(self.issue)
        if action == "follow_link":
            if self.event is not None and not self.event.links:
                return "this event carries no Sentry <-> PostHog link"
            return loading
        return None

    def _event_refusal(self, which: str) -> str:
        if self.event is None or self.loading_event:
            return "an event is still loading"
        if which in ("previous", "next"):
            return "no older event" if which == "previous" else "no newer event"
        return f"this server can fetch only the latest event by name, not the {which}"

    def _event_ref(self, which: str) -> str | None:
        """The reference `get_event` needs for `which`, or None when there is nowhere to go."""
        if self.event is None or self.loading_event:
            return None
        if which == "previous":
            return self.event.previous_event_id
        if which == "next":
            return self.event.next_event_id
        return which if which in self.backend.event_refs else None

    def action_event(self, which: str) -> None:
        if (ref := self._event_ref(which)) is not None:
            self.fetch_event(ref)

    # -- triage: the hooks of TriageActions ------------------------------------------------

    def triage_targets(self) -> tuple[list[Issue], bool]:
        return [self.issue], False

    def show_changed(self, issues: Sequence[Issue]) -> None:
        for issue in issues:
            if issue.id == self.issue.id:
                self.issue = issue
                self._draw_header()

    def triage_done(self, record: ChangeRecord) -> None:
        self.refresh_bindings()

    def _draw_trace(self) -> None:
        if self.event is None:
            return
        shown = minified_view(self.event) if self.show_minified else self.event
        trace = self.query_one(StackTraceView)
        raw = self.query_one("#raw-trace", LineList)
        trace.display, raw.display = not self.show_raw, self.show_raw
        if self.show_raw:
            lines = raw_trace(shown).splitlines()
            self._draw("raw trace", lambda: raw.show_rows(lines, plain))
        else:
            self._draw("stack trace", lambda: trace.show(shown, in_app_only=self.in_app_only))
        if self._on_trace_tab:
            (raw if self.show_raw else trace).focus()

    @property
    def _cursor_frame(self) -> Frame | None:
        """None in the raw trace, which has no frame cursor."""
        return None if self.show_raw else self.query_one(StackTraceView).cursor_frame

    def action_copy_location(self) -> None:
        if (frame := self._cursor_frame) is not None:
            copy_text(self, frame_location(frame), "path:line")

    def action_copy_id(self) -> None:
        copy_text(self, self.issue.short_id, "Issue id")

    def action_copy_url(self) -> None:
        if not url_problem(self.issue):
            copy_text(self, self.issue.permalink, "Issue URL")

    def action_open_in_browser(self) -> None:
        if not url_problem(self.issue):
            open_in_browser(self, self.issue.permalink, self._set_status)

    def action_copy_trace(self) -> None:
        if self.event is not None:
            shown = minified_view(self.event) if self.show_minified else self.event
            if self.show_raw:
                copy_text(self, raw_trace(shown), "Raw trace")
            else:
                copy_text(self, event_report_text(self.issue, shown), "Trace")

    def action_edit_frame(self) -> None:
        if (frame := self._cursor_frame) is not None:
            edit_frame(self, frame, self.profile)

    def action_follow_link(self) -> None:
        if self.event is not None and self.event.links:
            self.post_message(self.FollowLink(self.event.links))

    def action_toggle_in_app(self) -> None:
        self.in_app_only = not self.in_app_only
        self._draw_trace()
        self._set_status(self._hint())

    def action_toggle_raw(self) -> None:
        self.show_raw = not self.show_raw
        self._draw_trace()
        self._set_status(self._hint())

    def action_toggle_minified(self) -> None:
        self.show_minified = not self.show_minified
        self._draw_trace()
        self._set_status(self._hint())

    def action_tab(self, tab: str) -> None:
        tabs = self.query_one(TabbedContent)
        tabs.active = tab
        # Focus must move into the new pane: TabbedContent re-activates the pane holding focus.
        pane = tabs.get_pane(tab)
        if tab != "trace":
            pane.query_one(LineList).focus()
        else:
            (
                pane.query_one("#raw-trace") if self.show_raw else pane.query_one(StackTraceView)
            ).focus()

    def action_refresh(self) -> None:
        self.refresh_issue()
        self.fetch_event(self.event.id if self.event else EVENT_LATEST)

    def action_back(self) -> None:
        self.dismiss(self.issue)

    @on(TabbedContent.TabActivated)
    def _tab_changed(self) -> None:
        self.refresh_bindings()
        self._set_status(self._hint())
        if self.event is not None and self._on_context_tab:
            self.fetch_grouping(self.event)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Workers do not close the app on error: an unexpected one is reported here instead."""
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.loading_event = False
            self.pending.clear()
            self._show_error(f"Unexpected error in {event.worker.name}", event.worker.error)
            self.refresh_bindings()


def _breadcrumb_or_none(crumb: Breadcrumb | None) -> Content:
    if crumb is None:
        return Content.styled("no breadcrumbs recorded", "$text-muted italic")
    return breadcrumb_line(crumb)
