"""Snapshot tests of the main screens on fixed data and a fixed clock.

Review an update by converting the SVG (`rsvg-convert x.svg -o x.png`) and looking at it.
"""

from __future__ import annotations

from textual.pilot import Pilot

from tests.ui.fakes import FakeBackend, fixed_clock
from tui.app import StackdeckApp


def make_app() -> StackdeckApp:
    return StackdeckApp(FakeBackend(), profile_name="prod", clock=fixed_clock)


async def loaded(pilot: Pilot[None]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def detail(pilot: Pilot[None]) -> None:
    await loaded(pilot)
    await pilot.press("enter")
    await loaded(pilot)


def test_issue_list(snap_compare) -> None:
    assert snap_compare(make_app(), terminal_size=(120, 36), run_before=loaded)


def test_issue_list_narrow(snap_compare) -> None:
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=loaded)


def test_issue_detail(snap_compare) -> None:
    assert snap_compare(make_app(), terminal_size=(120, 36), run_before=detail)


def test_issue_detail_narrow(snap_compare) -> None:
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=detail)
