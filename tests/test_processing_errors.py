"""Sentry's processing errors: on the frames they name, else on the event; shown and in JSON."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from tests.hostile import HOSTILE, raw_controls
from tui.backends.sentry_parse import parse_event
from tui.model import Issue, to_jsonable
from tui.render.event import Heading, Pair, detail_line, detail_rows
from tui.render.report import event_report_text

FIXTURE = Path(__file__).parent / "fixtures" / "sentry" / "sentry_event_js_minified.json"
VENDOR = "https://shop.example.com/assets/vendor-8b1e77d0.js"
INDEX = "https://shop.example.com/assets/index-4f2a9c1b.js"
ISSUE = Issue(id="1", short_id="SHOP-1", title="TypeError")


def _event(errors: list[Any]) -> dict[str, Any]:
    data = json.loads(FIXTURE.read_text())
    data["errors"] = errors
    return data


ERRORS = [
    {"type": "js_no_source", "message": "Source code was not found", "data": {"url": VENDOR}},
    {
        "type": "js_invalid_sourcemap_location",
        "message": "Invalid location in sourcemap",
        "data": {"source": INDEX, "row": 1, "column": 15322, "symbolicator_type": "x"},
    },
    {
        "type": "js_invalid_sourcemap_location",
        "message": "Invalid location",
        "data": {"source": INDEX, "row": 99, "column": 1},
    },
    {"type": "past_timestamp", "message": "Clock drift", "data": {"name": "timestamp"}},
]


def test_errors_land_on_the_frames_they_name_and_the_rest_on_the_event() -> None:
    event = parse_event(_event(ERRORS))
    frames = {f.abs_path: f for f in event.exceptions[0].stacktrace.frames}  # type: ignore[union-attr]
    assert frames[VENDOR].server_failure == "Source code was not found [js_no_source]"
    assert frames[INDEX].server_failure == (
        "Invalid location in sourcemap [js_invalid_sourcemap_location]"
    )
    # The row that matches no frame and the error without a URL stay with the event.
    assert event.processing_errors == (
        f"Invalid location [js_invalid_sourcemap_location] ({INDEX})",
        "Clock drift [past_timestamp]",
    )


def test_no_errors_leave_frames_without_a_server_failure() -> None:
    event = parse_event(_event([]))
    frames = event.exceptions[0].stacktrace.frames  # type: ignore[union-attr]
    assert all(f.server_failure == "" for f in frames)
    assert event.processing_errors == ()


def test_server_resolved_frames_are_not_failures() -> None:
    data = _event([ERRORS[0]])
    for entry in data["entries"]:
        if entry["type"] == "exception":
            value = entry["data"]["values"][0]
            value["rawStacktrace"] = copy.deepcopy(value["stacktrace"])
            for frame in value["stacktrace"]["frames"]:
                frame["absPath"] = "webpack:///./src/cart.ts"
    event = parse_event(data)
    exc = event.exceptions[0]
    assert all(f.server_failure == "" for f in exc.stacktrace.frames)  # type: ignore[union-attr]
    assert event.processing_errors == (f"Source code was not found [js_no_source] ({VENDOR})",)


def test_report_json_and_detail_tab_show_both() -> None:
    event = parse_event(_event(ERRORS))
    text = event_report_text(ISSUE, event)
    assert "server could not resolve: Source code was not found [js_no_source]" in text
    assert "Server processing errors\n  Invalid location [js_invalid_sourcemap_location]" in text
    dumped = json.dumps(to_jsonable(event))
    assert '"server_failure": "Source code was not found [js_no_source]"' in dumped
    assert '"processing_errors": ["Invalid location' in dumped
    rows = detail_rows(event)
    assert rows[0] == Heading("server processing errors")
    assert isinstance(rows[2], Pair) and rows[2].value == "Clock drift [past_timestamp]"


def test_hostile_error_text_is_inert_in_the_report_and_the_context_tab() -> None:
    errors = [
        {"type": "x", "message": HOSTILE, "data": {"url": VENDOR}},
        {"type": "y", "message": HOSTILE, "data": {}},
    ]
    event = parse_event(_event(errors))
    text = event_report_text(ISSUE, event)
    assert raw_controls(text.replace("\n", "")) == []
    assert "[bold]markup[/bold]" in text
    pair = next(r for r in detail_rows(event) if isinstance(r, Pair))
    shown = detail_line(pair).plain
    assert raw_controls(shown) == [] and "[bold]markup[/bold]" in shown
