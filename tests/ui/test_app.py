"""The real app driven through Pilot against an in-memory backend."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from textual.pilot import Pilot
from textual.widgets import Static

from tests.ui.fakes import HOSTILE, FakeBackend, fixed_clock, make_issues, python_event
from tui.app import StackdeckApp
from tui.backends.errors import ServerError
from tui.model import Event, ExceptionValue, Frame, IssueStatus, Stacktrace, StatusAction
from tui.screens.help import HelpScreen
from tui.screens.issue_detail import IssueDetailScreen
from tui.screens.issue_list import IssueListScreen
from tui.widgets.issue_table import IssueTable
from tui.widgets.stack_trace import FrameView

SIZE = (120, 36)


def make_app(backend: FakeBackend) -> StackdeckApp:
    return StackdeckApp(backend, profile_name="test", clock=fixed_clock)


async def settle(app: StackdeckApp, pilot: Pilot[None]) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


def status_cell(app: StackdeckApp, issue_id: str) -> str:
    table = app.screen.query_one(IssueTable)
    return table.get_cell(issue_id, "status").plain


def static_text(app: StackdeckApp, selector: str) -> str:
    return app.screen.query_one(selector, Static).render().plain


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


async def test_enter_opens_the_latest_event() -> None:
    backend = FakeBackend()
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, IssueDetailScreen)
        assert backend.event_calls == [("4829301773", "latest")]
        await pilot.press("escape")
        assert isinstance(app.screen, IssueListScreen)


async def test_crashing_frame_shows_its_context_lines() -> None:
    app = make_app(FakeBackend())
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        crashed = app.screen.query_one(".-crashed", FrameView)
        text = crashed.render().plain
        assert "app/services/billing.py:42 in charge" in text
        assert "  40 │             return self.client.charges.create" in text
        assert '› 42 │             raise ValueError(f"card declined: {exc.code}")' in text
        assert app.focused is crashed


async def test_in_app_toggle_shows_and_hides_library_frames() -> None:
    app = make_app(FakeBackend())
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)

        def functions() -> list[str]:
            return [frame.row.frame.function for frame in app.screen.query(FrameView)]

        assert "inner" not in functions()
        await pilot.press("a")
        await settle(app, pilot)
        assert "inner" in functions() and "_interpret_response" in functions()
        await pilot.press("a")
        await settle(app, pilot)
        assert "inner" not in functions()


async def test_variables_shown_on_demand_for_the_focused_frame() -> None:
    app = make_app(FakeBackend())
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        crashed = app.screen.query_one(".-crashed", FrameView)
        assert "cus_Q1w2E3r4" not in crashed.render().plain
        await pilot.press("v")
        assert "customer = <Customer cus_Q1w2E3r4>" in crashed.render().plain


async def test_previous_event_fetched_by_id_and_next_disabled() -> None:
    backend = FakeBackend()
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        screen = app.screen
        assert screen.check_action("event", ("next",)) is None
        await pilot.press("n")
        await pilot.press("p")
        await settle(app, pilot)
        assert backend.event_calls[-1] == ("4829301773", "0e6a0d4c3b2a41f0a9b8c7d6e5f4a3b2")
        assert len(backend.event_calls) == 2


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


async def test_resolve_on_detail_updates_header_and_list_row() -> None:
    backend = FakeBackend()
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("i")
        await settle(app, pilot)
        assert "ignored" in static_text(app, "#issue-header")
        await pilot.press("escape")
        await pilot.pause()
        assert status_cell(app, "4829301773") == "ignored"
        assert backend.issues["4829301773"].status is IssueStatus.IGNORED


async def test_hostile_server_strings_show_literally() -> None:
    issues = [replace(make_issues(1)[0], title=HOSTILE, culprit=HOSTILE)]
    backend = FakeBackend(issues)
    event = python_event(issues[0].id)
    hostile_exc = ExceptionValue(type=HOSTILE, value=HOSTILE, stacktrace=Stacktrace())
    backend.events["latest"] = replace(event, exceptions=(hostile_exc,))
    app = make_app(backend)
    expected = "[bold red]pwned[/] ␛[31mred␛[0m␍␀ $accent"
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        title = app.screen.query_one(IssueTable).get_cell(issues[0].id, "title")
        assert title.plain.startswith("[bold red]pwned[/] ␛[31mred")
        assert title.spans == []
        await pilot.press("enter")
        await settle(app, pilot)
        assert expected in static_text(app, "#issue-header")
        assert expected in static_text(app, "#crash")


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


def _minified(event: Event) -> Event:
    """The fake event as a browser SDK would send it: one minified JavaScript frame."""
    frame = Frame(
        filename="/assets/index-4f2a9c1b.js",
        abs_path="https://shop.example.com/assets/index-4f2a9c1b.js",
        function="n",
        lineno=1,
        colno=20,
        in_app=True,
        context_line="const n=e=>e.items.reduce((t,r)=>t+r.product.price*r.qty,0);",
    )
    exc = ExceptionValue(type="TypeError", value="x", stacktrace=Stacktrace(frames=(frame,)))
    return replace(event, platform="javascript", exceptions=(exc,))


async def test_symbolication_redraws_frames_and_m_shows_the_minified_ones() -> None:
    backend = FakeBackend()
    minified = _minified(python_event("4829301773"))
    backend.events["latest"] = minified
    release = asyncio.Event()

    async def symbolicate(event: Event) -> Event:
        await release.wait()
        exc = event.exceptions[0]
        assert exc.stacktrace is not None
        frame = replace(exc.stacktrace.frames[0], filename="src/cart.ts", function="cartTotal")
        resolved = replace(exc, stacktrace=Stacktrace((frame,)), raw_stacktrace=exc.stacktrace)
        return replace(event, exceptions=(resolved,))

    app = StackdeckApp(backend, clock=fixed_clock, symbolicate=symbolicate)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        while app.screen.query(FrameView).first(FrameView).row.frame.function != "n":
            await pilot.pause()
        assert app.screen.check_action("toggle_minified", ()) is False
        release.set()
        await settle(app, pilot)

        def shown() -> str:
            return app.screen.query_one(FrameView).row.frame.function

        assert shown() == "cartTotal"
        await pilot.press("m")
        await settle(app, pilot)
        assert shown() == "n"
        await pilot.press("m")
        await settle(app, pilot)
        assert shown() == "cartTotal"


async def test_environment_prompt_sets_the_query_environment() -> None:
    backend = FakeBackend()
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("e", *"staging", "enter")
        await settle(app, pilot)
        assert backend.queries[-1][0].environment == "staging"
        assert backend.queries[-1][0].query == "is:unresolved"


async def test_oldest_and_latest_events_by_key() -> None:
    backend = FakeBackend()
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("O")
        await settle(app, pilot)
        await pilot.press("L")
        await settle(app, pilot)
        assert [ref for _, ref in backend.event_calls] == ["latest", "oldest", "latest"]


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


async def test_q_goes_back_from_the_issue_and_quits_from_the_list() -> None:
    app = make_app(FakeBackend())
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, IssueListScreen)
        assert app.return_code is None
        await pilot.press("q")
        await pilot.pause()
        assert app.return_code == 0


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
        assert app.theme_variables["error"].lower() in after.lower()
