"""The issue list driven through Pilot: loading, search, paging, status changes, help."""

from __future__ import annotations

import asyncio

from tests.ui.driver import SIZE, make_app, settle, static_text, status_cell
from tests.ui.fakes import FakeBackend, make_issues
from tui.backends.errors import ServerError
from tui.model import StatusAction
from tui.screens.help import HelpScreen
from tui.screens.issue_detail import IssueDetailScreen
from tui.screens.issue_list import IssueListScreen
from tui.widgets.issue_table import IssueTable


async def test_list_loads_first_page_with_default_query() -> None:
    backend = FakeBackend()
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(IssueTable)
        assert table.row_count == 3
        assert [query.query for query, _ in backend.queries] == ["is:unresolved"]
        assert table.get_cell("4829301773", "last_seen").plain == "3m"


async def test_search_sends_the_typed_query() -> None:
    backend = FakeBackend()
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("slash")
        await pilot.press("ctrl+u", *"level:error", "enter")
        await settle(app, pilot)
        assert backend.queries[-1][0].query == "level:error"
        assert "level:error" in static_text(app, "#title-bar")


async def test_escape_cancels_search_without_a_request() -> None:
    backend = FakeBackend()
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("slash", "x", "escape")
        await settle(app, pilot)
        assert len(backend.queries) == 1
        assert isinstance(app.focused, IssueTable)


async def test_sort_key_cycles_server_sort() -> None:
    backend = FakeBackend()
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("s")
        await settle(app, pilot)
        assert backend.queries[-1][0].sort == "new"


async def test_cursor_at_the_end_loads_the_next_page() -> None:
    backend = FakeBackend(page_size=2)
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.screen.query_one(IssueTable).row_count == 2
        await pilot.press("j")
        await settle(app, pilot)
        assert backend.queries[-1][1] == "2"
        assert app.screen.query_one(IssueTable).row_count == 3


async def test_failed_reload_keeps_rows_and_shows_error() -> None:
    backend = FakeBackend()
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        backend.fail_list = ServerError("502 from upstream")
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert app.screen.query_one(IssueTable).row_count == 3
        assert "502 from upstream" in static_text(app, "#status-line")


async def test_resolve_waits_for_the_server_before_changing_the_row() -> None:
    backend = FakeBackend()
    backend.hold_status = asyncio.Event()
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("r")
        while not backend.status_calls:
            await pilot.pause()
        assert backend.status_calls == [("4829301773", StatusAction.RESOLVE)]
        assert status_cell(app, "4829301773") == "unresolved"
        assert app.screen.check_action("resolve_issue", ()) is None
        backend.hold_status.set()
        await settle(app, pilot)
        assert status_cell(app, "4829301773") == "resolved"
        assert app.screen.check_action("resolve_issue", ()) is None
        assert app.screen.check_action("reopen_issue", ()) is True


async def test_failed_resolve_keeps_status_and_shows_the_error_literally() -> None:
    backend = FakeBackend()
    backend.fail_status = ServerError("[b]boom[/b] 500")
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("r")
        await settle(app, pilot)
        assert status_cell(app, "4829301773") == "unresolved"
        messages = [notification.message for notification in app._notifications]
        assert any("[b]boom[/b] 500" in message for message in messages)
        assert all(not n.markup for n in app._notifications)
        assert "[b]boom[/b] 500" in static_text(app, "#status-line")


async def test_help_lists_the_active_bindings() -> None:
    app = make_app(FakeBackend())
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = static_text(app, "#help-text")
        for description in ("Search", "Resolve", "Ignore", "Open", "Refresh", "Help"):
            assert description in text
        assert "Reopen  (not available here)" in text
        await pilot.press("escape")
        assert isinstance(app.screen, IssueListScreen)


async def test_environment_prompt_sets_the_query_environment() -> None:
    backend = FakeBackend()
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("e", *"staging", "enter")
        await settle(app, pilot)
        assert backend.queries[-1][0].environment == "staging"
        assert backend.queries[-1][0].query == "is:unresolved"


async def test_mouse_click_on_a_row_opens_the_issue() -> None:
    backend = FakeBackend()
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        # Row 2 of the table (below the header): the first click moves the cursor there,
        # the second selects it, as in any DataTable.
        await pilot.click(IssueTable, offset=(20, 2))
        await pilot.click(IssueTable, offset=(20, 2))
        await settle(app, pilot)
        assert isinstance(app.screen, IssueDetailScreen)
        assert app.screen.issue.id == "4829301774"


async def test_command_palette_offers_the_screen_actions() -> None:
    backend = FakeBackend()
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert {"Resolve", "Search", "Sort by freq"} <= set(titles)
        assert "Reopen" not in titles  # greyed out on an unresolved issue
        sort = next(c for c in app.get_system_commands(app.screen) if c.title == "Sort by freq")
        sort.callback()
        await settle(app, pilot)
        assert backend.queries[-1][0].sort == "freq"


async def test_level_colours_follow_the_theme() -> None:
    app = make_app(FakeBackend())
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(IssueTable)
        before = str(table.get_cell("4829301773", "level").style)
        app.theme = "nord"
        await pilot.pause()
        after = str(table.get_cell("4829301773", "level").style)
        assert before != after
        assert app.theme_variables["text-error"].lower() in after.lower()


async def test_first_load_shows_loading_then_rows() -> None:
    backend = FakeBackend()
    backend.hold_list = asyncio.Event()
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        while not backend.queries:
            await pilot.pause()
        table = app.screen.query_one(IssueTable)
        assert table.loading
        assert "loading" in static_text(app, "#status-line")
        backend.hold_list.set()
        await settle(app, pilot)
        assert not table.loading
        assert table.row_count == 3


async def test_end_and_home_jump_to_the_last_and_first_issue() -> None:
    backend = FakeBackend(make_issues(5), page_size=50)
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(IssueTable)
        await pilot.press("G")
        assert table.cursor_row == 4
        await pilot.press("home")
        assert table.cursor_row == 0
