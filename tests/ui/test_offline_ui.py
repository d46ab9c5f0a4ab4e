"""The TUI offline (the last sync, stale and unchangeable), with a reported rate limit, and
prefetching the event under the cursor."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ui.driver import SIZE, settle, static_text
from tests.ui.fakes import NOW, FakeBackend, fixed_clock, make_issues, python_event
from tui import prefetch
from tui.app import StackdeckApp
from tui.backends.http import RateLimit
from tui.offline import CachingBackend, OfflineBackend
from tui.screens.issue_detail import IssueDetailScreen
from tui.screens.issue_list import IssueListScreen
from tui.store import Store
from tui.widgets.issue_table import IssueTable


async def test_offline_list_says_how_stale_it_is_and_opens_stored_events(tmp_path: Path) -> None:
    synced = NOW.timestamp() - 2 * 3600
    store = Store(tmp_path / "store", clock=lambda: synced)
    issues = make_issues()
    store.save_issues(issues, listing=True)
    store.save_event(issues[0].id, "latest", python_event(issues[0].id))
    backend = OfflineBackend(store, clock=lambda: NOW.timestamp())
    app = StackdeckApp(backend, profile_name="prod", clock=fixed_clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert "prod · offline · synced 2h ago" in static_text(app, "#title-bar")
        assert app.screen.query_one(IssueTable).row_count == len(issues)
        await pilot.press("r")  # resolve: refused, and says why
        await settle(app, pilot)
        refusals = [n.message for n in app._notifications]
        assert refusals == ["offline · synced 2h ago cannot resolve issues"]
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, IssueDetailScreen)


class BudgetedBackend(FakeBackend):
    rate_limit = RateLimit(37, 40, NOW.timestamp() + 30)


async def test_the_status_line_shows_the_rate_limit_budget() -> None:
    app = StackdeckApp(BudgetedBackend(), profile_name="test", clock=fixed_clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert "rate limit 37/40 left, resets in 30s" in static_text(app, "#status-line")


async def test_the_event_under_a_resting_cursor_is_ready_when_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(prefetch, "REST_SECONDS", 0)  # no real rest in a test
    fake = FakeBackend()
    backend = CachingBackend(fake, Store(tmp_path / "store"))
    app = StackdeckApp(backend, profile_name="test", clock=fixed_clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, IssueListScreen)
        await pilot.press("j")
        await screen.prefetcher.settled()
        second = list(fake.issues)[1]
        assert fake.event_calls[-1] == (second, "latest")
        asked = list(fake.event_calls)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, IssueDetailScreen)
        assert app.screen.event is not None and app.screen.event.issue_id == second
        assert fake.event_calls == asked  # opened from the prefetch: no request
