"""The TUI on a PostHog project (the demo's PostHog server, through the real backend)."""

from __future__ import annotations

import json

from tests.ui.driver import SIZE, settle, status_cell
from tests.ui.trace_view import trace_view, visible_text
from tui.app import StackdeckApp
from tui.backends.posthog import PostHogBackend
from tui.demo.posthog_server import DemoPostHogServer
from tui.widgets.issue_table import IssueTable


def posthog_app() -> tuple[StackdeckApp, DemoPostHogServer]:
    server = DemoPostHogServer.from_package()
    backend = PostHogBackend.connect(
        "https://posthog.example.com", "phx_test", "73091", transport=server.transport()
    )
    return StackdeckApp(backend, profile_name="web"), server


async def test_posthog_issues_list_open_and_resolve() -> None:
    app, server = posthog_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(IssueTable)
        by_title = {i.title: i for i in table.issues}
        issue = next(i for t, i in by_title.items() if t.startswith("ValueError: card declined"))
        served = server.issues[issue.id]
        occurrences = [e for e in server.events if _issue_of(e) == issue.id]
        users = {e["distinct_id"] for e in occurrences}
        assert (issue.count, issue.user_count) == (len(occurrences), len(users))
        assert table.get_cell(issue.id, "count").plain.strip() == str(issue.count)

        assert status_cell(app, issue.id) == "unresolved"
        table.move_cursor(row=table.get_row_index(issue.id))
        await pilot.press("enter")
        await settle(app, pilot)
        crashed = visible_text(trace_view(app))
        assert "billing_app/services/billing.py:24 in charge" in crashed
        assert 'raise ValueError(f"card declined: {exc.code}") from exc' in crashed

        await pilot.press("r")
        await settle(app, pilot)
        assert served["status"] == "resolved"
        await pilot.press("escape")
        await settle(app, pilot)
        assert status_cell(app, issue.id) == "resolved"
        patch = [b for b in server.bodies(f"/issues/{issue.id}/") if b]
        assert patch[-1] == {"status": "resolved"}


def _issue_of(event: dict) -> str:
    properties = event.get("properties")
    if isinstance(properties, str):
        properties = json.loads(properties)
    return properties.get("$exception_issue_id", "")
