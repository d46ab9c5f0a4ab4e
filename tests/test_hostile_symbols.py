"""Hostile symbol data: unparseable frame URLs and index-map offsets sized to exhaust memory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.hostile import run, serve_as_demo
from tui.model import DebugImage, Event, ExceptionValue, Frame, Stacktrace
from tui.symbols import SymbolCache, Symbolicator
from tui.symbols.decode import decode_map
from tui.symbols.discovery import normalize_url
from tui.symbols.errors import InvalidURL, MalformedMap
from tui.symbols.sections import MAX_COLUMN, MAX_LINES

BROKEN_URL = "http://[x/app.js"
CHILD = {"version": 3, "sources": ["a.js"], "names": [], "mappings": "AAAA,CAAC"}


def js_event(abs_path: str, code_file: str = "") -> Event:
    frame = Frame(abs_path=abs_path, filename="app.js", lineno=1, colno=5, platform="javascript")
    images = (DebugImage("sourcemap", code_file, "c0ffee00-1234-4abc-8def-0123456789ab"),)
    return Event(
        id="e",
        platform="javascript",
        exceptions=(ExceptionValue("TypeError", stacktrace=Stacktrace((frame,))),),
        debug_images=images if code_file else (),
    )


def test_normalize_url_raises_a_typed_error() -> None:
    with pytest.raises(InvalidURL, match="not a valid URL"):
        normalize_url(BROKEN_URL)


async def test_a_frame_with_an_unparseable_url_has_no_map_and_says_why(tmp_path: Path) -> None:
    symbolicator = Symbolicator(SymbolCache(tmp_path / "cache"))
    for event in (js_event(BROKEN_URL), js_event("https://cdn.example/app.js", BROKEN_URL)):
        result = await symbolicator.symbolicate(event)
        frame = result.apply(event).exceptions[0].stacktrace.frames[0]  # type: ignore[union-attr]
        assert not result.resolved_count
        if event.debug_images:  # a broken image URL only loses its own normalised key
            assert "no source map found" in frame.resolve_failure
        else:
            assert frame.resolve_failure.startswith("no source map: not a valid URL")


def test_issues_show_with_an_unparseable_frame_url(
    capsysbinary: pytest.CaptureFixture[bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    hostile = serve_as_demo(monkeypatch)
    hostile.event["platform"] = "javascript"
    exception = hostile.event["entries"][0]["data"]["values"][-1]
    exception["stacktrace"]["frames"] = [
        {"filename": "app.js", "absPath": BROKEN_URL, "lineNo": 1, "colNo": 5, "inApp": True}
    ]
    for extra in ((), ("--json",)):
        code, out, err = run(capsysbinary, "issues", "show", hostile.issue["id"], *extra)
        assert code == 0, err
    frame = json.loads(out)["event"]["exceptions"][0]["stacktrace"]["frames"][0]
    assert frame["resolve_failure"].startswith("no source map: not a valid URL")


def index_map(line: int, column: int, child: dict = CHILD) -> str:
    return json.dumps(
        {"version": 3, "sections": [{"offset": {"line": line, "column": column}, "map": child}]}
    )


@pytest.mark.parametrize(
    ("line", "column"),
    [(10**8, 0), (10**9, 0), (0, 2**32), (MAX_LINES, 0), (0, MAX_COLUMN), (2**70, 0)],
)
def test_index_map_offsets_past_any_real_file_are_rejected(line: int, column: int) -> None:
    # (0, MAX_COLUMN): the child's second token at column 1 would land past 2**32 - 1.
    with pytest.raises(MalformedMap):
        decode_map(index_map(line, column))


def test_a_child_running_past_the_line_limit_is_rejected() -> None:
    child = {**CHILD, "mappings": ";" * 10 + "AAAA"}
    decode_map(index_map(MAX_LINES - 11, 0, child))
    with pytest.raises(MalformedMap, match="runs past"):
        decode_map(index_map(MAX_LINES - 10, 0, child))


def test_index_map_offsets_within_limits_still_decode() -> None:
    decoded = decode_map(index_map(1000, MAX_COLUMN - 1, {**CHILD, "mappings": "AAAA"}))
    assert len(decoded.line_starts) == 1002
    assert decoded.gen_col[-1] == MAX_COLUMN - 1
