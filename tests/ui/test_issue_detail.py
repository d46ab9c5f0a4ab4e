"""The issue screen driven through Pilot: stack traces, events, symbolication, hostile text."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from tests.ui.driver import SIZE, make_app, settle, static_text, status_cell
from tests.ui.fakes import HOSTILE, FakeBackend, fixed_clock, make_issues, python_event
from tests.ui.trace_view import trace_view, visible_text
from tui.app import StackdeckApp
from tui.model import Event, ExceptionValue, Frame, IssueStatus, Stacktrace
from tui.screens.issue_detail import IssueDetailScreen
from tui.screens.issue_list import IssueListScreen
from tui.widgets.issue_table import IssueTable


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
        view = trace_view(app)
        text = visible_text(view)
        assert "app/services/billing.py:42 in charge   crashed here" in text
        assert "  40 │             return self.client.charges.create" in text
        assert '› 42 │             raise ValueError(f"card declined: {exc.code}")' in text
        assert app.focused is view
        assert view.cursor_frame is not None and view.cursor_frame.lineno == 42


async def test_in_app_toggle_shows_and_hides_library_frames() -> None:
    app = make_app(FakeBackend())
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)

        def functions() -> list[str]:
            return [frame.function for frame in trace_view(app).frames]

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
        view = trace_view(app)
        assert "cus_Q1w2E3r4" not in visible_text(view)
        await pilot.press("v")
        await pilot.pause()
        assert "customer = <Customer cus_Q1w2E3r4>" in visible_text(view)
        await pilot.press("v")
        await pilot.pause()
        assert "cus_Q1w2E3r4" not in visible_text(view)


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
        assert expected in visible_text(trace_view(app))


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
        while not trace_view(app).frames or trace_view(app).frames[0].function != "n":
            await pilot.pause()
        assert app.screen.check_action("toggle_minified", ()) is False
        release.set()
        await settle(app, pilot)

        def shown() -> str:
            return trace_view(app).frames[0].function

        assert shown() == "cartTotal"
        await pilot.press("m")
        await settle(app, pilot)
        assert shown() == "n"
        await pilot.press("m")
        await settle(app, pilot)
        assert shown() == "cartTotal"


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


async def test_refresh_on_the_issue_rereads_issue_and_event() -> None:
    backend = FakeBackend()
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        backend.issues["4829301773"] = replace(backend.issues["4829301773"], count=99_999)
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert backend.issue_calls == ["4829301773"]
        assert "99,999" in static_text(app, "#issue-header")
        assert backend.event_calls[-1] == ("4829301773", "5b0f3e1d9c2a4f7e8a6b1c2d3e4f5a6b")


async def test_event_without_exception_shows_its_message_literally() -> None:
    backend = FakeBackend()
    event = python_event("4829301773")
    backend.events["latest"] = replace(event, exceptions=(), message=f"disk full\n{HOSTILE}")
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        text = visible_text(trace_view(app))
        assert text.startswith("disk full\n[bold red]pwned[/] ␛[31m")
        assert app.screen.check_action("toggle_in_app", ()) is None
