"""The TUI offline (the last sync, stale and unchangeable) and with a reported rate limit."""

from __future__ import annotations

from pathlib import Path

from tests.ui.driver import SIZE, settle, static_text
from tests.ui.fakes import NOW, FakeBackend, fixed_clock, make_issues, python_event
from tui.app import StackdeckApp
from tui.backends.http import RateLimit
from tui.offline import OfflineBackend
from tui.screens.issue_detail import IssueDetailScreen
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
