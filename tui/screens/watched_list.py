"""Watch mode for the issue list: a look at the first page on an interval, changes flagged,
the user alerted, failures said and backed off from."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime

from textual import work
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer

from tui.backends.base import Backend
from tui.model import Issue, IssuePage, IssueQuery
from tui.render.text import plain, relative_time
from tui.screens.status import describe_error
from tui.terminal.clipboard import driver_writer
from tui.terminal.notify import notification
from tui.watch import Backoff, Change, changes
from tui.widgets.issue_table import IssueTable


class WatchedListScreen(Screen[None]):
    """The watch-mode half of IssueListScreen, which provides the list it watches."""

    backend: Backend
    issue_query: IssueQuery
    clock: Callable[[], datetime]
    heading: str

    def __init__(self, watch: bool, watch_interval: float) -> None:
        super().__init__()
        self.watching = watch
        self.badges: dict[str, Change] = {}
        """What watch mode saw change, by issue id; a badge goes when the issue is opened."""
        self.backoff = Backoff(watch_interval)
        self.watch_timer: Timer | None = None
        self.watch_failure: tuple[datetime, str] | None = None
        """When the last watch refresh failed, and why; None once one succeeds."""

    @property
    def table(self) -> IssueTable:
        return self.query_one(IssueTable)

    def _draw_status(self) -> None:
        raise NotImplementedError

    def _show_empty(self, empty: bool) -> None:
        raise NotImplementedError

    async def list_page(self, cursor: str | None = None) -> IssuePage:
        raise NotImplementedError

    def start_watch_timer(self) -> None:
        """Plan the first look when the screen opens in watch mode (`stackdeck --watch`).

        Not `on_mount`: Textual calls every class's handler, the subclass's as well."""
        self._schedule_watch(self.backoff.interval)

    @work(exclusive=True, group="watch")
    async def watch_refresh(self) -> None:
        """Reload the first page, flag what changed since the last look, and plan the next look;
        on failure keep every row and say so, and wait longer before trying again."""
        self.watch_timer = None
        try:
            page = await self.list_page()
        except Exception as error:  # anything else would stop watching for good
            self.watch_failure = (self.clock(), describe_error(error))
            self._draw_status()
            self._schedule_watch(self.backoff.failed(error))
            return
        self.watch_failure = None
        found = changes({issue.id: issue for issue in self.table.issues}, page.issues)
        self.badges.update(found)
        listed = {issue.id for issue in page.issues}
        # The rows already loaded below the first page stay: the user may be reading them.
        below = [issue for issue in self.table.issues if issue.id not in listed]
        self.table.show_issues([*page.issues, *below])
        self._show_empty(not self.table.issues)
        self._draw_status()
        self._alert([i for i in page.issues if i.id in found and found[i.id].alerts])
        self._schedule_watch(self.backoff.succeeded())

    def _schedule_watch(self, delay: float) -> None:
        if self.watching:
            self.watch_timer = self.set_timer(delay, self.watch_refresh)

    def _alert(self, issues: list[Issue]) -> None:
        """The bell and a desktop notification for new or regressed issues."""
        if not issues:
            return
        self.app.bell()
        counts = {change: 0 for change in Change}
        for issue in issues:
            counts[self.badges[issue.id]] += 1
        summary = ", ".join(f"{n} {change.value}" for change, n in counts.items() if n)
        body = f"{summary}: {issues[0].short_id} {issues[0].title}"
        if (write := driver_writer(self.app)) is not None:
            write(notification(f"stackdeck {self.heading}".strip(), body, os.environ))

    def _watch_state(self) -> Content:
        if self.watch_failure is None:
            return Content.styled(f"watching every {self.backoff.delay:g}s", "$text-muted")
        when, error = self.watch_failure
        ago = relative_time(when, self.clock())
        retry = f" (next try in {self.backoff.delay:g}s)"
        return plain(f"watch: last refresh failed {ago} ago: {error}{retry}", "$text-error")

    def action_toggle_watch(self) -> None:
        self.watching = not self.watching
        if self.watch_timer is not None:
            self.watch_timer.stop()
            self.watch_timer = None
        if self.watching:
            self.watch_refresh()  # the first look now: the user asked for it
        else:
            self.workers.cancel_group(self, "watch")
            self.watch_failure = None
            self.badges.clear()
            self.table.redraw_flags()
        self.notify("watching for changes" if self.watching else "stopped watching")
        self._draw_status()
