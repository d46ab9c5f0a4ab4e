"""The TUI's load-more with a real Sentry backend whose next page points at another host."""

from __future__ import annotations

import json

import httpx

from tests.conftest import FIXTURES
from tests.ui.driver import SIZE, settle, static_text
from tests.ui.fakes import fixed_clock
from tui.app import StackdeckApp
from tui.backends.http import ApiClient
from tui.backends.sentry import SentryBackend
from tui.widgets.issue_table import IssueTable

ISSUE = json.loads((FIXTURES / "sentry" / "sentry_issue_list_item.json").read_text())


async def test_load_more_refuses_a_next_page_on_another_host() -> None:
    seen: list[tuple[str, str | None]] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append((request.url.host, request.headers.get("Authorization")))
        issues = [{**ISSUE, "id": str(n), "shortId": f"API-{n}"} for n in (1, 2)]
        link = '<https://evil.example/api/0/issues/?cursor=2>; rel="next"; results="true"'
        return httpx.Response(200, json=issues, headers={"Link": link})

    client = ApiClient("https://sentry.example.com", "tok", transport=httpx.MockTransport(handle))
    app = StackdeckApp(SentryBackend(client, "acme"), profile_name="test", clock=fixed_clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.screen.query_one(IssueTable).row_count == 2
        await pilot.press("j")  # the cursor reaches the last row: load more
        await settle(app, pilot)
        assert app.screen.query_one(IssueTable).row_count == 2
        assert "refused to follow https://evil.example" in static_text(app, "#status-line")
    assert {host for host, _ in seen} == {"sentry.example.com"}
