"""The issue list driven through Pilot: loading, search, paging, status changes, help."""

from __future__ import annotations

import asyncio
import gc
import threading
from dataclasses import replace
from datetime import timedelta

from textual.geometry import Region
from textual.widget import Widget
from textual.widgets._footer import FooterKey
from textual.widgets.data_table import ColumnKey

from tests.ui.driver import SIZE, make_app, notices, settle, static_text, status_cell
from tests.ui.fakes import NOW, FakeBackend, fixed_clock, make_issues
from tui.app import StackdeckApp
from tui.backends.errors import ServerError
from tui.model import IssueQuery, StatusAction
from tui.render.issue import empty_result
from tui.screens.help import HelpScreen
from tui.screens.issue_detail import IssueDetailScreen
from tui.screens.issue_list import IssueListScreen
from tui.session import Session
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


async def test_pages_smaller_than_the_screen_are_fetched_until_it_is_full() -> None:
    backend = FakeBackend(page_size=2)
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
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


# -- issue 10: the list as a new user meets it -----------------------------------------


def footer_keys(app: StackdeckApp) -> list[str]:
    return [key.key for key in app.screen.query(FooterKey)]


async def test_search_puts_the_cursor_after_the_current_query() -> None:
    backend = FakeBackend()
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("slash", *" level:error", "enter")
        await settle(app, pilot)
        assert backend.queries[-1][0].query == "is:unresolved level:error"


async def test_narrow_footer_keeps_help_and_profiles() -> None:
    app = StackdeckApp(
        FakeBackend(), clock=fixed_clock, profiles=("a", "b"), open_profile=lambda name: None
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        keys = footer_keys(app)
        assert {"question_mark", "P", "slash", "enter"} <= set(keys)
        await pilot.resize_terminal(60, 24)
        await settle(app, pilot)
        narrower = footer_keys(app)
        assert {"question_mark", "P"} <= set(narrower) and len(narrower) < len(keys)
        widths = sum(key.size.width + 1 for key in app.screen.query(FooterKey))
        assert widths <= 60


async def test_narrow_table_shows_level_letters_and_a_status_header() -> None:
    issues = make_issues(3)
    issues[0] = replace(issues[0], level="fatal")
    app = make_app(FakeBackend(issues))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(IssueTable)
        levels = [table.get_cell(issue.id, "level").plain for issue in issues]
        assert levels == ["F", "E", "W"]
        assert table.columns[ColumnKey("status")].label.plain == "status"


async def test_issue_url_is_on_screen_at_80_columns() -> None:
    app = make_app(FakeBackend())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        header = app.screen.query_one("#issue-header")
        lines = [s.text for s in header.render_lines(Region(0, 0, *header.size))]
        assert "https://sentry.example.com/issues/4829301773/" in "\n".join(lines)


def empty_backend() -> FakeBackend:
    backend = FakeBackend()
    backend.issues = {}
    return backend


async def test_empty_result_says_so_and_how_to_widen_it() -> None:
    app = make_app(empty_backend())
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        message = app.screen.query_one("#empty-result")
        assert message.display and not app.screen.query_one(IssueTable).display
        text = static_text(app, "#empty-result")
        assert "no issues match is:unresolved" in text and "press /" in text
        assert "is:resolved" in text


def test_empty_result_names_the_environment_and_how_to_leave_it() -> None:
    staging = empty_result(IssueQuery(query="", environment="staging")).plain
    assert staging.startswith("no issues in staging") and "press e" in staging
    everything = empty_result(IssueQuery(query="")).plain
    assert "press e" not in everything and "press /" not in everything


async def test_a_result_after_an_empty_one_shows_the_table_again() -> None:
    backend = empty_backend()
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        backend.issues = {issue.id: issue for issue in make_issues(2)}
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert not app.screen.query_one("#empty-result").display
        assert isinstance(app.focused, IssueTable)


async def test_help_and_palette_leave_out_textuals_own_commands() -> None:
    app = make_app(FakeBackend())
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert titles.count("Quit") == 1
        assert {"Theme", "Screenshot"} <= set(titles)
        assert not {"Cursor left", "Cursor right", "Page left", "Keys", "Focus Next"} & set(titles)
        await pilot.press("question_mark")
        await pilot.pause()
        text = static_text(app, "#help-text")
        assert text.count("Quit") == 1
        assert "Cursor" not in text and "palette" not in text


async def test_a_greyed_key_says_why() -> None:
    app = make_app(FakeBackend())
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("u")
        await pilot.pause()
        assert any("BILLING-API-1 is already unresolved" in n for n in notices(app))
        await pilot.press("P")
        await pilot.pause()
        assert any("only one profile" in n for n in notices(app))
        await pilot.press("G", "j")
        await pilot.pause()
        assert any("no more issues" in n for n in notices(app))


async def test_an_enabled_key_shows_no_reason() -> None:
    app = make_app(FakeBackend())
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("j", "k", "x")
        await pilot.pause()
        assert notices(app) == []


# -- issue 11: long sessions and long lists -------------------------------------------


def live_widgets() -> int:
    gc.collect()
    return sum(isinstance(thing, Widget) for thing in gc.get_objects())


async def test_cursor_moves_do_not_rebuild_the_footer() -> None:
    app = make_app(FakeBackend(make_issues(200), page_size=200))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = app.screen
        refreshes: list[None] = []
        refresh = screen.refresh_bindings
        screen.refresh_bindings = lambda: (refreshes.append(None), refresh())[1]  # type: ignore[method-assign]
        before = live_widgets()
        for _ in range(60):
            await pilot.press("j")
        await pilot.press("pagedown", "pagedown")
        await settle(app, pilot)
        assert refreshes == []
        assert live_widgets() <= before + 2


async def test_footer_rebuilds_leave_no_keys_behind() -> None:
    app = make_app(FakeBackend())
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        before = live_widgets()
        for _ in range(10):
            app.screen.refresh_bindings()
            await pilot.pause()
        assert live_widgets() <= before + 2


async def test_next_page_is_fetched_a_screen_before_the_end() -> None:
    backend = FakeBackend(make_issues(100), page_size=40)
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert [cursor for _, cursor in backend.queries] == [None]
        for _ in range(10):
            await pilot.press("j")
        await settle(app, pilot)
        assert [cursor for _, cursor in backend.queries] == [None, "40"]
        assert app.screen.query_one(IssueTable).cursor_row == 10


async def test_no_key_is_lost_while_the_next_page_loads() -> None:
    backend = FakeBackend(make_issues(300), page_size=50)
    backend.hold_more = asyncio.Event()
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(IssueTable)
        for _ in range(120):
            await pilot.press("j")
        assert table.cursor_row == 49
        assert table.queued_rows == 71
        backend.hold_more.set()
        await settle(app, pilot)
        await settle(app, pilot)
        assert table.cursor_row == 120
        assert table.current_issue is not None
        assert table.current_issue.short_id == "BILLING-API-79"


async def test_moving_up_drops_the_queued_moves() -> None:
    backend = FakeBackend(make_issues(100), page_size=50)
    backend.hold_more = asyncio.Event()
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(IssueTable)
        await pilot.press("G", "j", "j", "k")
        backend.hold_more.set()
        await settle(app, pilot)
        assert table.cursor_row == 48


async def test_ages_follow_the_clock() -> None:
    now = [NOW]
    backend = FakeBackend()
    app = StackdeckApp(backend, clock=lambda: now[0])
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(IssueTable)
        assert table.get_cell("4829301773", "last_seen").plain == "3m"
        now[0] = NOW + timedelta(hours=2)
        table.refresh_times()
        assert table.get_cell("4829301773", "last_seen").plain == "2h"


async def test_an_unexpected_error_in_a_worker_is_shown_not_fatal() -> None:
    backend = FakeBackend()
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        backend.fail_list = RuntimeError("socket went away")
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert app.is_running and isinstance(app.screen, IssueListScreen)
        assert "RuntimeError: socket went away" in static_text(app, "#status-line")
        backend.fail_status = KeyError("status")
        await pilot.press("r")
        await settle(app, pilot)
        assert app.is_running
        assert any("KeyError" in n for n in notices(app))
        backend.fail_list = None
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert app.screen.query_one(IssueTable).row_count == 3


async def test_opening_a_profile_runs_off_the_ui_thread_and_survives_any_error() -> None:
    threads: list[int] = []

    def open_profile(name: str) -> Session:
        threads.append(threading.get_ident())
        raise OSError("token_command exited with 1")

    app = StackdeckApp(
        FakeBackend(), clock=fixed_clock, profiles=("a", "b"), open_profile=open_profile
    )
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.switch_profile("b")
        await settle(app, pilot)
        assert threads and threads[0] != threading.get_ident()
        assert app.is_running
        assert any("OSError: token_command exited with 1" in n for n in notices(app))


async def test_clicking_a_greyed_footer_key_says_why() -> None:
    app = make_app(FakeBackend())
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        reopen = next(key for key in app.screen.query(FooterKey) if key.key == "u")
        await pilot.click(reopen)
        await pilot.pause()
        assert any("BILLING-API-1 is already unresolved" in n for n in notices(app))
