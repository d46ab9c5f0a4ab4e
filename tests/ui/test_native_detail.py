"""A native crash on the issue screen: aligned frames, threads reachable with j/k, `R` for the
raw crash log and back, `alt+r` for resolve-in."""

from __future__ import annotations

import json

from tests.conftest import FIXTURES
from tests.ui.driver import SIZE, make_app, open_first_issue, settle, static_text
from tests.ui.fakes import FakeBackend
from tests.ui.trace_view import trace_view, visible_text
from tui.backends.sentry_parse import parse_event
from tui.screens.issue_detail import IssueDetailScreen
from tui.screens.pickers import ChangePicker
from tui.widgets.lines import LineList


def native_backend(fixture: str = "sentry_event_native.json") -> FakeBackend:
    backend = FakeBackend()
    data = json.loads(FIXTURES.joinpath("sentry", fixture).read_text())
    backend.events["latest"] = parse_event(data)
    return backend


async def test_native_trace_shows_columns_registers_and_the_other_thread() -> None:
    app = make_app(native_backend())
    async with app.run_test(size=SIZE) as pilot:
        await open_first_issue(app, pilot)
        view = trace_view(app)
        text = visible_text(view)
        assert "crashdemo  read_limit+0x7     crash.c:28   crashed here" in text
        assert " rip 0x00005555" in text
        # The worker thread's frames are frames like the others: the cursor reaches them
        # (its in-app one; libc's are folded as library frames).
        await pilot.press("end")
        await settle(app, pilot)
        assert view.cursor_frame is not None and view.cursor_frame.function == "cache_worker"
        text = visible_text(view)
        assert '"cache-worker" · TIMED_WAITING' in text
        assert "holds pthread_mutex_t cache_lock" in text


async def test_r_shows_the_raw_crash_log_and_back() -> None:
    app = make_app(native_backend())
    async with app.run_test(size=SIZE) as pilot:
        await open_first_issue(app, pilot)
        await pilot.press("R")
        await settle(app, pilot)
        raw = app.screen.query_one("#raw-trace", LineList)
        assert raw.display and not trace_view(app).display and app.focused is raw
        lines = visible_text(raw).splitlines()
        assert lines[0] == "SIGSEGV: Segfault at address 0x0"
        assert lines[3].startswith("#0  0x00005555") and "read_limit+0x7 (crashdemo)" in lines[3]
        assert "raw trace" in static_text(app, "#status-line")
        await pilot.press("R")
        await settle(app, pilot)
        assert trace_view(app).display and not raw.display
        assert app.focused is trace_view(app)


async def test_alt_r_is_resolve_in_on_the_issue_screen() -> None:
    app = make_app(FakeBackend())
    async with app.run_test(size=SIZE) as pilot:
        await open_first_issue(app, pilot)
        await pilot.press("alt+r")
        await settle(app, pilot)
        assert isinstance(app.screen, ChangePicker)
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, IssueDetailScreen)
        await pilot.press("R")
        await settle(app, pilot)
        assert isinstance(app.screen, IssueDetailScreen) and app.screen.show_raw


async def test_at_80_columns_registers_pair_up_whole_and_jvm_rows_scroll_sideways() -> None:
    app = make_app(native_backend())
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first_issue(app, pilot)
        for _ in range(6):
            await pilot.press("j")
        await settle(app, pilot)
        rows = visible_text(trace_view(app)).splitlines()
        assert any("r10 0x00007ffff7de4380     r11 0x00007ffff7f3cac0" in row for row in rows)
    app = make_app(native_backend("sentry_event_jvm.json"))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first_issue(app, pilot)
        view = trace_view(app)
        where = next(row for row in visible_text(view).splitlines() if "at LedgerJob" in row)
        assert where.endswith("…") and "close" not in where.rsplit("$", 1)[-1]
        await pilot.press("l")
        await settle(app, pilot)
        assert any(row.endswith("PeriodCloser.close") for row in visible_text(view).splitlines())
