"""The context tab's grouping section: what the event says at once, the server's details once
the tab is opened, asked for once per event."""

from __future__ import annotations

from tests.ui.driver import SIZE, settle
from tests.ui.test_links_ui import context_text, linked_demo_app, open_issue
from tui.demo import demo_server


async def test_opening_the_context_tab_fetches_sentrys_grouping_info_once() -> None:
    app = linked_demo_app()
    server = demo_server("demo")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await open_issue(app, pilot, "BILLING-PORTAL-1")
        asked = [r for r in server.requests if r.url.path.endswith("/grouping-info/")]
        assert asked == []  # on demand: not while the trace is shown
        await pilot.press("c")
        await settle(app, pilot)
        text = context_text(app)
        assert "event hash" in text and "newstyle:2023-01-11" in text
        assert "grouped by this" in text
        await pilot.press("t", "c")
        await settle(app, pilot)
        asked = [r for r in server.requests if r.url.path.endswith("/grouping-info/")]
        assert len(asked) == 1
        assert "newstyle:2023-01-11" in context_text(app)
