"""Switching to another profile and back: the app keeps running on the first one's issues."""

from __future__ import annotations

from tests.ui.driver import SIZE, settle
from tests.ui.test_profiles import demo_app
from tui.widgets.issue_table import IssueTable


async def test_switching_there_and_back_then_refreshing_keeps_the_app_running() -> None:
    app = demo_app([], [])
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        for keys in (("P", "j", "enter"), ("P", "k", "enter")):
            await pilot.press(*keys)
            await settle(app, pilot)
            await settle(app, pilot)
        assert app.profile_name == "demo"
        # The removed posthog screen used to get a queued binding refresh and crash the app
        # (NoMatches: IssueTable) on the next refresh.
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert "BILLING-API-1" in {i.short_id for i in app.screen.query_one(IssueTable).issues}
