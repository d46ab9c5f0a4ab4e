"""Release health for the issue list: the priority sort, the release filter and the releases
Sentry names only on each issue's detail, fetched for the rows on screen."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime

from textual import work
from textual.content import Content

from tui.backends.base import Backend
from tui.backends.search import without_key
from tui.model import Issue, IssuePage, IssueQuery
from tui.priority import PRIORITY_SORT, ranked, server_query, sort_choices
from tui.release_details import budget_allows, merged, wants_details
from tui.screens.pickers import Choice, Picker
from tui.screens.watched_list import WatchedListScreen

ALL_RELEASES = ""
_DIGITS = re.compile(r"([0-9]+)")


class ReleaseHealth(WatchedListScreen):
    """The issue list's release-health part; IssueListScreen provides the rest."""

    backend: Backend
    issue_query: IssueQuery
    clock: Callable[[], datetime]

    def __init__(self, watch: bool, watch_interval: float) -> None:
        super().__init__(watch, watch_interval)
        self.described: dict[str, Issue | None] = {}
        """Issue detail by id, fetched for its releases (and environments), None when that
        failed: kept for the session, so paging and reloading ask only for issues not yet
        seen."""
        self._describing = False

    @property
    def sort_choices(self) -> tuple[str, ...]:
        return sort_choices(self.backend.sort_options)

    @property
    def by_priority(self) -> bool:
        return self.issue_query.sort == PRIORITY_SORT

    async def list_page(self, cursor: str | None = None) -> IssuePage:
        """A page as the list shows it: releases already fetched filled in, ranked by
        priority when the list is sorted so."""
        query = server_query(self.issue_query, self.backend.sort_options)
        page = await self.backend.list_issues(query, cursor)
        return replace(page, issues=tuple(self.ordered([self._known(i) for i in page.issues])))

    def ordered(self, issues: Sequence[Issue]) -> list[Issue]:
        if not self.by_priority:
            return list(issues)
        return ranked(issues, self.clock(), self.issue_query.environment)

    def priority_note(self, more: bool) -> Content:
        """Says over how many issues the priority was scored: only those fetched."""
        count = len(self.table.issues)
        note = f"priority over the {count} issues fetched"
        return Content.styled(note + ("; more on the server" if more else ""), "$text-warning")

    def _known(self, issue: Issue) -> Issue:
        return merged(issue, self.described.get(issue.id))

    def describe_visible(self) -> None:
        """Fetch, one at a time, the detail of the rows on screen whose releases are unknown;
        one round at a time, so that scrolling cancels nothing already asked for."""
        if self._describing or not wants_details(self.backend):
            return
        if self._undescribed():
            self._describing = True
            self._describe_round()

    @work(group="releases")
    async def _describe_round(self) -> None:
        try:
            while todo := self._undescribed():
                if not budget_allows(self.backend):
                    return
                try:
                    detail: Issue | None = await self.backend.get_issue(todo[0].id)
                except Exception:  # the releases are extras: the list stands without them
                    detail = None
                self.described[todo[0].id] = detail
                if detail is not None and (row := self.table.index_of(todo[0].id)) is not None:
                    self.table.update_issue(self._known(self.table.issues[row]))
        finally:
            self._describing = False
        if self.by_priority:  # environments may change the ranking
            self.table.show_issues(self.ordered(self.table.issues))

    def _undescribed(self) -> list[Issue]:
        return [i for i in self._visible() if i.id not in self.described]

    def _visible(self) -> list[Issue]:
        top = int(self.table.scroll_y)
        # A list answered before the first layout (from the store, at once) has no size yet:
        # the screen's height then stands in, or the round would end after one row.
        height = max(1, self.table.size.height or self.app.size.height)
        return self.table.issues[top : top + height]

    # -- the release filter ----------------------------------------------------------------

    def releases_seen(self) -> list[str]:
        """Every release named by a listed issue, by project, the highest version first."""
        names = {r for i in self.table.issues for r in (i.first_release, i.last_release) if r}
        return sorted(names, key=_version_key, reverse=True)

    def action_pick_release(self) -> None:
        current = without_key(self.issue_query.query, "release")[0]
        picker = ReleasePicker(self.releases_seen(), current[0] if current else ALL_RELEASES)
        self.app.push_screen(picker, callback=self._release_picked)

    def _release_picked(self, release: str | None) -> None:
        if release is None:
            return
        rest = without_key(self.issue_query.query, "release")[1]
        query = f"{rest} {release_term(release)}".strip() if release else rest
        self._apply(replace(self.issue_query, query=query))

    def _apply(self, query: IssueQuery) -> None:
        raise NotImplementedError


def _version_key(release: str) -> list[tuple[int, int, str]]:
    """`2.14.1` after `2.9.0`: runs of ASCII digits compare as numbers, by length then text
    once leading zeros go (`int()` refuses `²` and runs of over 4300 digits)."""
    key = []
    for index, part in enumerate(_DIGITS.split(release)):
        if index % 2:  # split() with a group puts the digit runs at the odd places
            number = part.lstrip("0")
            key.append((1, len(number), number))
        else:
            key.append((0, 0, part))
    return key


def release_term(release: str) -> str:
    """`release:V`, quoted as Sentry's search reads it when V holds spaces or quotes."""
    if not any(c.isspace() or c in "\"'\\" for c in release):
        return f"release:{release}"
    escaped = release.replace("\\", "\\\\").replace('"', '\\"')
    return f'release:"{escaped}"'


class ReleasePicker(Picker[str]):
    """Pick one of the releases seen, or every release; esc changes nothing."""

    def __init__(self, releases: list[str], current: str) -> None:
        choices = [Choice("every release", ALL_RELEASES), *(Choice(r, r) for r in releases)]
        super().__init__("Show the issues of release", choices, current)
        self.releases = releases

    def on_mount(self) -> None:  # Textual runs Picker's on_mount too
        if not self.releases:
            self.hint(Content.styled("no listed issue names a release (yet)", "$text-muted"))
