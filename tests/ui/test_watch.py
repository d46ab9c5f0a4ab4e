"""Watch mode driven through Pilot: badges for new, regressed and growing issues, the bell and
the desktop notification, back-off on 429, and failures shown with the rows kept."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from textual.pilot import Pilot

from tests.ui.driver import SIZE, list_screen, settle, static_text
from tests.ui.fakes import NOW, FakeBackend, fixed_clock, make_issues
from tui.app import StackdeckApp
from tui.backends.errors import RateLimited, ServerError
from tui.model import IssueStatus
from tui.screens.issue_list import IssueListScreen
from tui.widgets.issue_table import IssueTable


def watching_app(backend: FakeBackend, clock: Callable[[], datetime] = fixed_clock) -> StackdeckApp:
    return StackdeckApp(backend, profile_name="test", clock=clock, watch_interval=30)


async def start_watching(app: StackdeckApp, pilot: Pilot[None]) -> IssueListScreen:
    """Load the list, then press W: its first look sets what counts as seen."""
    await settle(app, pilot)
    await pilot.press("W")
    await settle(app, pilot)
    return list_screen(app)


def badge(app: StackdeckApp, issue_id: str) -> str:
    return app.screen.query_one(IssueTable).get_cell(issue_id, "flags").plain.strip()


class Terminal:
    """What the app wrote past its compositor, and how often it rang the bell."""

    def __init__(self, app: StackdeckApp, monkeypatch: pytest.MonkeyPatch) -> None:
        self.written: list[str] = []
        self.bells = 0
        monkeypatch.setattr(app._driver, "write", self.written.append)
        monkeypatch.setattr(app, "bell", self._ring)
        monkeypatch.delenv("TMUX", raising=False)

    def _ring(self) -> None:
        self.bells += 1


async def test_watch_flags_a_new_issue_rings_and_notifies(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    backend = FakeBackend()
    app = watching_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        terminal = Terminal(app, monkeypatch)
        await start_watching(app, pilot)
        assert terminal.bells == 0  # the first look only sets what counts as seen
        assert "watching every 30s" in static_text(app, "#status-line")
        newcomer = replace(make_issues(4)[3], id="999", short_id="BILLING-API-NEW")
        backend.issues = {"999": newcomer, **backend.issues}
        list_screen(app).watch_refresh()
        await settle(app, pilot)
        assert badge(app, "999") == "N"
        assert app.screen.query_one(IssueTable).row_count == 4
        assert terminal.bells == 1
        [sequence] = terminal.written
        assert sequence.startswith("\x1b]9;stackdeck test · fake: 1 new: BILLING-API-NEW ")
        assert "\x1b]777;notify;stackdeck test · fake;1 new: BILLING-API-NEW " in sequence
        assert list_screen(app).watch_timer is not None  # the next look is planned


async def test_watch_flags_regressed_and_growing_and_rings_only_for_regressed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    backend = FakeBackend()
    backend.issues["4829301775"] = replace(
        backend.issues["4829301775"], status=IssueStatus.RESOLVED
    )
    app = watching_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        terminal = Terminal(app, monkeypatch)
        await start_watching(app, pilot)
        first, _, third = backend.issues
        backend.issues[first] = replace(backend.issues[first], count=5000)
        backend.issues[third] = replace(
            backend.issues[third], status=IssueStatus.UNRESOLVED, substatus="regressed"
        )
        list_screen(app).watch_refresh()
        await settle(app, pilot)
        assert (badge(app, first), badge(app, third)) == ("+", "R")
        assert terminal.bells == 1 and "1 regressed" in terminal.written[0]
        await pilot.press("enter")  # opening the issue is looking at it: its badge goes
        await settle(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        assert badge(app, first) == ""


async def test_watch_backs_off_on_429_keeps_rows_and_says_what_failed() -> None:
    now = [NOW]
    backend = FakeBackend()
    app = watching_app(backend, clock=lambda: now[0])
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_watching(app, pilot)
        backend.fail_list = RateLimited("rate limited by the server", retry_after=120)
        screen.watch_refresh()
        await settle(app, pilot)
        assert screen.backoff.delay == 120  # the server's Retry-After
        backend.fail_list = ServerError("502 Bad Gateway")
        screen.watch_refresh()
        await settle(app, pilot)
        assert screen.backoff.delay == 240  # no Retry-After: twice the last wait
        now[0] = NOW + timedelta(minutes=2)
        screen._clock_moved()
        status = static_text(app, "#status-line")
        assert "watch: last refresh failed 2m ago: 502 Bad Gateway" in status
        assert app.screen.query_one(IssueTable).row_count == 3
        backend.fail_list = None
        screen.watch_refresh()
        await settle(app, pilot)
        assert screen.backoff.delay == 30
        assert "failed" not in static_text(app, "#status-line")


async def test_w_stops_watching_and_clears_the_badges() -> None:
    backend = FakeBackend()
    app = watching_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await start_watching(app, pilot)
        first = next(iter(backend.issues))
        backend.issues[first] = replace(backend.issues[first], count=9999)
        list_screen(app).watch_refresh()
        await settle(app, pilot)
        assert badge(app, first) == "+"
        await pilot.press("W")
        await settle(app, pilot)
        assert badge(app, first) == "" and list_screen(app).watch_timer is None
        assert "watching" not in static_text(app, "#status-line")


async def test_watch_option_starts_watching_on_the_configured_interval() -> None:
    app = StackdeckApp(FakeBackend(), clock=fixed_clock, watch=True, watch_interval=45)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = list_screen(app)
        assert screen.watching and screen.watch_timer is not None
        assert "watching every 45s" in static_text(app, "#status-line")
