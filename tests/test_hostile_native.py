"""Native fields are server text too: names, images, locks, registers and image statuses full of
escapes, bidi overrides and markup render inert in the trace, the raw view and the context tab."""

from __future__ import annotations

import copy
import json
from typing import Any

from tests.conftest import FIXTURES
from tests.hostile import HOSTILE, raw_controls
from tests.ui.driver import SIZE, make_app, settle
from tests.ui.fakes import FakeBackend
from tests.ui.trace_view import trace_view, visible_text
from tui.backends.sentry_parse import parse_event
from tui.model import Event
from tui.render.event import detail_line, detail_rows
from tui.render.raw import raw_trace
from tui.render.trace_lines import FrameBlock, trace_blocks
from tui.widgets.lines import LineList

FRAME_KEYS = ("function", "package", "symbol", "rawFunction", "trust", "addrMode", "platform")


def poison(value: Any) -> str:
    return f"{value}{HOSTILE}"


def hostile_native_event() -> Event:
    data: dict[str, Any] = copy.deepcopy(
        json.loads(FIXTURES.joinpath("sentry", "sentry_event_native.json").read_text())
    )
    for entry in data["entries"]:
        values = entry["data"].get("values") or entry["data"].get("images") or []
        for value in values:
            if entry["type"] == "debugmeta":
                for key in ("code_file", "debug_id", "arch", "debug_status", "unwind_status"):
                    value[key] = poison(value.get(key))
                continue
            for key in ("name", "state", "id", "type", "value"):
                if key in value:
                    value[key] = poison(value[key])
            for lock in (value.get("heldLocks") or {}).values():
                for key in ("class_name", "package_name", "thread_id"):
                    lock[key] = poison(lock[key])
            stacktrace = value.get("stacktrace") or {}
            for frame in stacktrace.get("frames") or []:
                for key in FRAME_KEYS:
                    frame[key] = poison(frame.get(key))
            if stacktrace.get("registers"):
                stacktrace["registers"] = {poison(k): v for k, v in stacktrace["registers"].items()}
    return parse_event(data)


def test_trace_raw_view_and_images_are_inert() -> None:
    event = hostile_native_event()
    assert HOSTILE in event.threads[1].held_locks[0].class_name  # the poison got through
    raw = raw_trace(event)
    assert raw_controls(raw.replace("\n", "")) == [] and "[bold]markup[/bold]" in raw
    lines = []
    for block in trace_blocks(event, in_app_only=False):
        if isinstance(block, FrameBlock):
            lines += block.lines(True, False, 0, block.height(True, False))
        else:
            lines += block.lines(200, 0, block.height(200))
    lines += [detail_line(row) for row in detail_rows(event)]
    texts = [line.plain for line in lines]
    assert all(raw_controls(text) == [] for text in texts)
    assert sum("[bold]markup[/bold]" in text for text in texts) > 10


async def test_the_issue_screen_and_its_raw_view_stay_inert() -> None:
    backend = FakeBackend()
    backend.events["latest"] = hostile_native_event()
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        shown = visible_text(trace_view(app))
        await pilot.press("R")
        await settle(app, pilot)
        shown += visible_text(app.screen.query_one("#raw-trace", LineList))
        assert raw_controls(shown.replace("\n", "")) == []
        assert "[bold]markup[/bold]" in shown
