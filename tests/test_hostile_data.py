"""A broken or hostile server's numbers, JSON, timestamps and ids: typed errors or sanitised
defaults, never a traceback, through the parsers and the CLI."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import httpx
import pytest

from tests.hostile import FIVE_THOUSAND_DIGITS, HostileSentry, nested, raw_controls
from tui.backends.coerce import as_data, as_id, loads_json, opt_int
from tui.backends.errors import InvalidResponse, NotFound
from tui.backends.http import decode_json
from tui.backends.sentry import SentryBackend
from tui.backends.sentry_parse import parse_datetime, parse_event, parse_issue
from tui.demo.server import DEMO_ORG, DEMO_URL
from tui.model import NESTED_TOO_DEEPLY, Frame, to_jsonable
from tui.render.text import absolute_time, relative_time

DEEP = 2000


@pytest.mark.parametrize(
    "value", [float("inf"), float("-inf"), float("nan"), "1e999", "Infinity", 2**64, True, "x"]
)
def test_hostile_numbers_are_absent(value: object) -> None:
    assert opt_int(value) is None


def test_ordinary_numbers_still_read() -> None:
    assert (opt_int("12"), opt_int(7), opt_int(3.0), opt_int(-(2**63))) == (12, 7, 3, -(2**63))


def test_json_with_5000_digit_integers_and_deep_nesting() -> None:
    data = loads_json(f'{{"count": {FIVE_THOUSAND_DIGITS}, "n": 12}}')
    assert data == {"count": FIVE_THOUSAND_DIGITS, "n": 12}  # kept as digits, not a ValueError
    assert opt_int(data["count"]) is None
    with pytest.raises(ValueError, match="nested too deeply"):
        loads_json("[" * DEEP + "]" * DEEP)


def test_a_response_nested_2000_deep_is_an_invalid_response() -> None:
    request = httpx.Request("GET", "https://sentry.example/api/0/x/")
    response = httpx.Response(200, content=b"[" * DEEP + b"]" * DEEP, request=request)
    with pytest.raises(InvalidResponse):
        decode_json(response)


def test_issue_with_hostile_numbers_times_and_ids_parses_to_defaults() -> None:
    issue = parse_issue(
        loads_json(
            '{"id": "12\\n3\\ud800", "shortId": "X-1", "title": "t", "count": 1e999,'
            f' "userCount": {FIVE_THOUSAND_DIGITS}, "firstSeen": "9999-12-31T23:59:59-05:00",'
            ' "lastSeen": "0000-01-01T00:00:00Z"}'
        )
    )
    assert (issue.count, issue.user_count) == (0, 0)
    assert (issue.first_seen, issue.last_seen) == (None, None)
    assert raw_controls(issue.id) == []  # it goes into URL paths


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("9999-12-31T23:59:59Z", datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)),
        ("9999-12-31T23:59:59-05:00", None),
        ("0001-01-01T00:00:00+05:00", None),
        ("0000-01-01T00:00:00Z", None),
        (1e999, None),
        (float("nan"), None),
        (-1e300, None),
        ("2026-08-21T18:00:00+02:00", datetime(2026, 8, 21, 16, 0, tzinfo=UTC)),
    ],
)
def test_absurd_timestamps(value: object, expected: datetime | None) -> None:
    parsed = parse_datetime(value)
    assert parsed == expected
    now = datetime(2026, 8, 21, tzinfo=UTC)
    assert absolute_time(parsed) and relative_time(parsed, now)  # drawing it cannot overflow


def test_frames_with_infinite_line_numbers_and_deep_vars() -> None:
    frame_json = {"filename": "a.py", "lineNo": float("inf"), "colNo": float("nan")}
    frame_json["vars"] = nested(900)
    event = parse_event(
        {
            "eventID": "e\n1",
            "exception": {"values": [{"type": "E", "stacktrace": {"frames": [frame_json]}}]},
        }
    )
    frame = event.exceptions[0].stacktrace.frames[0]  # type: ignore[union-attr]
    assert (frame.lineno, frame.colno) == (None, None)
    assert event.id == as_id("e\n1") == "e␊1"
    repr(frame.vars)  # capped at parse time: nothing downstream recurses 900 deep
    assert NESTED_TOO_DEEPLY in json.dumps(frame.vars)


def test_to_jsonable_caps_nesting_whoever_built_the_model() -> None:
    frame = Frame(filename="a.py", vars={"deep": nested(900)})
    shown = to_jsonable(frame)
    json.dumps(shown)
    assert NESTED_TOO_DEEPLY in json.dumps(shown)
    assert to_jsonable(Frame(vars={"x": nested(3)}))["vars"] == {"x": nested(3)}
    assert as_data({"x": nested(3)}) == {"x": nested(3)}


async def test_a_hostile_event_id_followed_is_a_typed_error() -> None:
    server = HostileSentry()
    server.event["nextEventID"] = "ab\ud800\n/../../x"
    backend = SentryBackend.connect(DEMO_URL, "token", DEMO_ORG, transport=server.transport())
    try:
        event = await backend.get_event(server.issue["id"])
        assert event.next_event_id is not None and raw_controls(event.next_event_id) == []
        with pytest.raises(NotFound):  # not UnicodeEncodeError or httpx.InvalidURL
            await backend.get_event(server.issue["id"], event.next_event_id)
    finally:
        await backend.aclose()
