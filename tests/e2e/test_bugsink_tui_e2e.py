"""The TUI, driven through Pilot, on a real Bugsink: list, open, walk events, resolve, regress."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from bugsink_server import BugsinkServer, Project
from sdk_events import send_python_error
from textual.pilot import Pilot

from tui.app import StackdeckApp
from tui.backends.bugsink import BugsinkBackend
from tui.model import IssueStatus
from tui.screens.issue_detail import IssueDetailScreen
from tui.screens.issue_list import IssueListScreen
from tui.widgets.issue_table import IssueTable

pytestmark = pytest.mark.e2e
SIZE = (120, 36)


@pytest.fixture
async def app(bugsink_server: BugsinkServer, project: Project) -> AsyncIterator[StackdeckApp]:
    """The app on its own backend: the app closes its backend when it exits."""
    backend = BugsinkBackend.from_profile(bugsink_server.url, bugsink_server.token, project.slug)
    yield StackdeckApp(backend, profile_name="e2e")


async def settle(app: StackdeckApp, pilot: Pilot[None]) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


def table(app: StackdeckApp) -> IssueTable:
    return app.screen.query_one(IssueTable)


async def server_issue(api: httpx.AsyncClient, issue_id: str) -> dict[str, Any]:
    return (await api.get(f"/issues/{issue_id}/")).raise_for_status().json()


async def test_walk_events_resolve_and_see_the_regression(
    app: StackdeckApp, project: Project, server_api: httpx.AsyncClient
) -> None:
    for kind in ("alpha", "alpha", "alpha", "beta"):
        send_python_error(project.dsn, kind)

    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert table(app).row_count == 2
        beta = table(app).current_issue
        assert beta is not None and beta.value == "port missing for beta"  # newest first

        await pilot.press("r")
        await settle(app, pilot)
        assert table(app).get_cell(beta.id, "status").plain == "resolved"
        assert (await server_issue(server_api, beta.id))["is_resolved"] is True

        await pilot.press("j", "enter")  # the alpha issue, three events
        await settle(app, pilot)
        detail = app.screen
        assert isinstance(detail, IssueDetailScreen) and detail.event is not None
        newest = detail.event
        assert [e.type for e in newest.exceptions] == ["ConfigError", "KeyError"]
        await pilot.press("p")
        await settle(app, pilot)
        assert detail.event.id == newest.previous_event_id
        assert detail.event.next_event_id == newest.id
        await pilot.press("n")
        await settle(app, pilot)
        assert detail.event.id == newest.id

        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, IssueListScreen)
        send_python_error(project.dsn, "beta")  # the resolved bug is back
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        back = next(issue for issue in table(app).issues if issue.id == beta.id)
        assert back.status is IssueStatus.UNRESOLVED
        # Unresolved, shown by its badge: Bugsink reports no regression, and it is new today.
        assert table(app).get_cell(beta.id, "status").plain == "NEW"
        assert (await server_issue(server_api, beta.id))["is_resolved"] is False
