"""Shared helpers for driving the app in UI tests."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Static

from tests.ui.fakes import FakeBackend, fixed_clock
from tui.app import StackdeckApp
from tui.screens.issue_list import IssueListScreen
from tui.widgets.issue_table import IssueTable

SIZE = (120, 36)


def make_app(backend: FakeBackend) -> StackdeckApp:
    return StackdeckApp(backend, profile_name="test", clock=fixed_clock)


async def settle(app: StackdeckApp, pilot: Pilot[None]) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


async def open_first_issue(app: StackdeckApp, pilot: Pilot[None]) -> None:
    """Wait for the list, open the issue under the cursor and wait for its event."""
    await settle(app, pilot)
    await pilot.press("enter")
    await settle(app, pilot)


def status_cell(app: StackdeckApp, issue_id: str) -> str:
    table = app.screen.query_one(IssueTable)
    return table.get_cell(issue_id, "status").plain


def static_text(app: StackdeckApp, selector: str) -> str:
    return app.screen.query_one(selector, Static).render().plain


def notices(app: StackdeckApp) -> list[str]:
    """The text of every toast the app showed."""
    return [str(notification.message) for notification in app._notifications]


def list_screen(app: StackdeckApp) -> IssueListScreen:
    assert isinstance(app.screen, IssueListScreen)
    return app.screen
