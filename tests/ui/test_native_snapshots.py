"""Snapshots of a recorded native crash on the issue screen: the aligned frames with registers
and threads, and the raw crash log (`R`).

Review an update by converting the SVG (`rsvg-convert x.svg -o x.png`) and looking at it.
"""

from __future__ import annotations

import json

from textual.pilot import Pilot

from tests.conftest import FIXTURES
from tests.ui.fakes import FakeBackend, fixed_clock
from tui.app import StackdeckApp
from tui.backends.sentry_parse import parse_event


def native_app() -> StackdeckApp:
    backend = FakeBackend()
    data = json.loads(FIXTURES.joinpath("sentry", "sentry_event_native.json").read_text())
    backend.events["latest"] = parse_event(data)
    return StackdeckApp(backend, profile_name="prod", clock=fixed_clock)


async def native_crash(pilot: Pilot[None]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.press("enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def native_raw_view(pilot: Pilot[None]) -> None:
    await native_crash(pilot)
    await pilot.press("R")
    await pilot.pause()


def test_native_crash(snap_compare) -> None:
    assert snap_compare(native_app(), terminal_size=(120, 36), run_before=native_crash)


def test_native_raw_view(snap_compare) -> None:
    assert snap_compare(native_app(), terminal_size=(120, 36), run_before=native_raw_view)
