"""The Line-API trace view: cursor, per-frame state, and staying small on huge events."""

from __future__ import annotations

from dataclasses import replace

import pytest
from textual.content import Content

import tui.render.trace as trace_render
import tui.screens.issue_detail as issue_detail
from tests.ui.driver import SIZE, make_app, settle
from tests.ui.fakes import FakeBackend, python_event
from tests.ui.trace_view import trace_view, visible_text
from tui.app import StackdeckApp
from tui.model import Breadcrumb, Event, ExceptionValue, Frame, Mechanism, Stacktrace
from tui.render.event import breadcrumb_line
from tui.widgets.lines import LineList

WIDGET_BOUND = 120
"""Widgets on the detail screen whatever the event's size (header, tabs, footer keys...)."""


def _frame(i: int, **changes: object) -> Frame:
    frame = Frame(
        filename=f"app/mod_{i}.py",
        function=f"fn_{i}",
        lineno=10,
        in_app=True,
        pre_context=("a = 1",),
        context_line=f"call_{i}()",
        post_context=("b = 2",),
        vars={"i": str(i)},
    )
    return replace(frame, **changes)  # type: ignore[arg-type]


def _event(frames: list[Frame], **changes: object) -> Event:
    exc = ExceptionValue(type="ValueError", value="boom", stacktrace=Stacktrace(tuple(frames)))
    return replace(python_event("4829301773"), exceptions=(exc,), **changes)  # type: ignore[arg-type]


async def _open(app: StackdeckApp, pilot) -> None:  # type: ignore[no-untyped-def]
    await settle(app, pilot)
    await pilot.press("enter")
    await settle(app, pilot)


def _app_with(event: Event) -> StackdeckApp:
    backend = FakeBackend()
    backend.events["latest"] = event
    return make_app(backend)


async def test_opens_on_the_crashing_frame_scrolled_into_view() -> None:
    app = _app_with(_event([_frame(i) for i in range(200)]))
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot)
        view = trace_view(app)
        assert view.cursor_frame is not None and view.cursor_frame.function == "fn_199"
        assert view.scroll_offset.y > 0
        text = visible_text(view)
        assert "app/mod_199.py:10 in fn_199   crashed here" in text
        assert "› 10 │ call_199()" in text


async def test_j_k_home_end_move_the_cursor_and_enter_v_toggle_its_frame() -> None:
    app = _app_with(_event([_frame(i) for i in range(50)]))
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot)
        view = trace_view(app)

        def at() -> str:
            assert view.cursor_frame is not None
            return view.cursor_frame.function

        await pilot.press("k", "k", "up")
        assert at() == "fn_46"
        await pilot.press("j")
        assert at() == "fn_47"
        await pilot.press("home")
        assert at() == "fn_0" and view.scroll_offset.y == 0
        await pilot.press("pagedown")
        assert at() != "fn_0"
        await pilot.press("end")
        assert at() == "fn_49"
        # The crashing frame fn_49 is open from the start; fn_48 opens on enter.
        assert visible_text(view).count("9 │ a = 1") == 1
        await pilot.press("k", "enter")
        await pilot.pause()
        assert visible_text(view).count("9 │ a = 1") == 2
        await pilot.press("v")
        await pilot.pause()
        assert "i = 48" in visible_text(view)
        await pilot.press("enter", "v")
        await pilot.pause()
        assert "i = 48" not in visible_text(view)
        assert visible_text(view).count("9 │ a = 1") == 1


async def test_in_app_and_minified_toggles_keep_cursor_and_open_frames() -> None:
    frames = [_frame(i, in_app=i % 2 == 0) for i in range(10)]
    app = _app_with(_event(frames))
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot)
        view = trace_view(app)
        await pilot.press("k", "enter")  # fn_8, an in-app frame (fn_9 crashed)
        assert view.cursor_key == (0, 8) and (0, 8) in view.expanded
        await pilot.press("a")
        await pilot.pause()
        assert len(view.frames) == 10
        assert view.cursor_key == (0, 8) and (0, 8) in view.expanded
        await pilot.press("k")
        assert view.cursor_key == (0, 7)
        await pilot.press("a")
        await pilot.pause()
        # fn_7 is a library frame, hidden again: the cursor falls back to the crashing frame.
        assert view.cursor_key == (0, 9) and (0, 8) in view.expanded


async def test_ten_thousand_frames_open_with_a_bounded_widget_count() -> None:
    app = _app_with(_event([_frame(i) for i in range(10_000)]))
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot)
        view = trace_view(app)
        assert len(view.frames) == 10_000
        assert len(app.screen.query("*")) < WIDGET_BOUND
        await pilot.press("a")
        await pilot.pause()
        assert len(app.screen.query("*")) < WIDGET_BOUND


async def test_huge_frame_highlights_only_what_is_on_screen(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    highlighted: list[int] = []
    real = trace_render.highlight_code

    def counting(code: str, language: str) -> object:
        highlighted.append(code.count("\n") + 1)
        return real(code, language)

    monkeypatch.setattr(trace_render, "highlight_code", counting)
    post = tuple(f"line_{i} = {i}" for i in range(50_000))
    big = _frame(0, post_context=post, vars={f"v{i}": i for i in range(20_000)})
    app = _app_with(_event([big]))
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot)
        view = trace_view(app)
        assert "›    10 │ call_0()" in visible_text(view)
        assert 0 < sum(highlighted) <= 200
        await pilot.press("v")
        await pilot.pause()
        await pilot.press("end")  # scrolls within the one frame: still only screenfuls
        assert sum(highlighted) <= 400


async def test_breadcrumbs_and_tags_render_only_visible_rows_and_scroll_with_j(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rendered: list[Breadcrumb] = []

    def counting(crumb: Breadcrumb) -> Content:
        rendered.append(crumb)
        return breadcrumb_line(crumb)

    monkeypatch.setattr(issue_detail, "breadcrumb_line", counting)
    crumbs = tuple(Breadcrumb(category="log", message=f"crumb {i}") for i in range(10_000))
    tags = tuple((f"tag_{i}", str(i)) for i in range(2000))
    app = _app_with(replace(_event([_frame(0)]), breadcrumbs=crumbs, tags=tags))
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot)
        await pilot.press("b")
        await pilot.pause()
        crumb_list = app.screen.query_one("#breadcrumb-list", LineList)
        assert app.focused is crumb_list
        assert "crumb 0" in visible_text(crumb_list)
        await pilot.press("j", "j", "j")
        await pilot.pause()
        assert crumb_list.scroll_offset.y == 3
        assert "crumb 0" not in visible_text(crumb_list)
        assert 0 < len(rendered) <= 2 * SIZE[1]
        await pilot.press("c")
        await pilot.pause()
        context_list = app.screen.query_one("#context-list", LineList)
        assert app.focused is context_list
        await pilot.press("j", "j")
        await pilot.pause()
        assert context_list.scroll_offset.y == 2
        assert "tag_1999" not in visible_text(context_list)


async def test_exception_group_nested_1500_deep_opens() -> None:
    exceptions = [
        ExceptionValue(
            "ExceptionGroup",
            value=f"level {i}",
            mechanism=Mechanism(
                source="exceptions[0]",
                exception_id=i,
                parent_id=i - 1 if i else None,
                is_exception_group=True,
            ),
            stacktrace=Stacktrace((_frame(i),)),
        )
        for i in range(1500)
    ]
    event = replace(python_event("4829301773"), exceptions=tuple(exceptions))
    app = _app_with(event)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot)
        view = trace_view(app)
        assert len(view.frames) == 1500
        assert "ExceptionGroup: level 0" in visible_text(view)


async def test_a_frame_that_fails_to_render_says_so_in_place(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("lexer exploded")

    monkeypatch.setattr(trace_render, "highlight_code", broken)
    app = _app_with(_event([_frame(0), _frame(1)]))
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot)
        text = visible_text(trace_view(app))
        assert "could not render this frame: lexer exploded" in text
        assert "ValueError: boom" in text
        assert app.is_running


async def test_unexpected_worker_error_shows_a_message_and_the_app_keeps_running() -> None:
    backend = FakeBackend()

    async def exploding(issue_id: str, event: str = "latest") -> Event:
        raise RuntimeError("backend bug")

    backend.get_event = exploding  # type: ignore[method-assign]
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot)
        assert app.is_running
        status = app.screen.query_one("#status-line").render()
        assert "backend bug" in str(status)
        await pilot.press("ctrl+r")  # the screen still answers keys
        await settle(app, pilot)
        assert app.is_running


async def test_oldest_on_a_server_without_it_says_why() -> None:
    backend = FakeBackend()
    backend.event_refs = frozenset({"latest"})  # type: ignore[misc]
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot)
        screen = app.screen
        assert screen.check_action("event", ("oldest",)) is None
        reason = screen.disabled_reason("event", ("oldest",))  # type: ignore[attr-defined]
        assert reason is not None and "only the latest event" in reason
        assert screen.disabled_reason("event", ("next",)) == "no newer event"  # type: ignore[attr-defined]
        assert screen.disabled_reason("event", ("previous",)) is None  # type: ignore[attr-defined]
        assert screen.disabled_reason("toggle_minified", ()) == "nothing minified in this event"  # type: ignore[attr-defined]
        await pilot.press("r")
        await settle(app, pilot)
        assert screen.disabled_reason("resolve_issue", ()) == "BILLING-API-1 is already resolved"  # type: ignore[attr-defined]


async def test_server_failure_shown_beside_the_local_one() -> None:
    frame = _frame(0, server_failure="no sourcemap found for chunk abc7d1e9")
    app = _app_with(_event([frame]))
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot)
        assert "[server: no sourcemap found for chunk abc7d1e9]" in visible_text(trace_view(app))


async def test_click_on_a_frame_moves_the_cursor_there() -> None:
    app = _app_with(_event([_frame(i) for i in range(3)]))
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot)
        view = trace_view(app)
        lines = visible_text(view).split("\n")
        row = next(y for y, line in enumerate(lines) if "in fn_0" in line)
        await pilot.click(view, offset=(5, row + view.styles.padding.top))
        assert view.cursor_frame is not None and view.cursor_frame.function == "fn_0"
