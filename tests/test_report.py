"""The CLI's plain-text event report (tui/render/report.py)."""

from __future__ import annotations

import io

from rich.console import Console

from tui.model import Event, ExceptionValue, Frame, Issue, Stacktrace
from tui.render.report import CONTEXT_AROUND, event_report

ISSUE = Issue(id="1", short_id="SHOP-1", title="TypeError: x")


def report_text(*frames: Frame) -> str:
    exception = ExceptionValue("TypeError", "x", stacktrace=Stacktrace(frames))
    event = Event(id="e1", platform="javascript", exceptions=(exception,))
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(event_report(ISSUE, event))
    return console.export_text()


def test_both_failure_reasons_and_the_provenance_are_printed() -> None:
    unresolved = Frame(
        filename="https://shop.example.com/app.min.js",
        lineno=1,
        colno=9,
        server_failure="No symbol set found for chunk id abc7d1e9",
        resolve_failure="no source map found for url https://shop.example.com/app.min.js",
    )
    resolved = Frame(filename="src/cart.ts", lineno=4, provenance="~/dist/app.js.map (by url)")
    text = report_text(resolved, unresolved)
    assert "server could not resolve: No symbol set found for chunk id abc7d1e9" in text
    assert "not resolved locally: no source map found for url" in text
    assert "source map: ~/dist/app.js.map (by url)" in text


def test_context_is_capped_around_the_frame_line_and_long_lines_are_windowed() -> None:
    lines = tuple(f"line_{n} = {n}" for n in range(1, 50_001))
    huge = Frame(
        filename="app.js",
        lineno=25_000,
        in_app=True,
        pre_context=lines[:24_999],
        context_line="x" * 1_000_000,
        post_context=lines[25_000:],
    )
    text = report_text(huge)
    printed = [ln for ln in text.splitlines() if " | " in ln]
    assert len(printed) == 2 * CONTEXT_AROUND + 1
    assert "line_24990 = 24990" in text and "line_24989 " not in text
    assert max(len(ln) for ln in printed) < 400
