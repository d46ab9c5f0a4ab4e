"""Native and JVM traces rendered: aligned address columns, registers, threads with their locks,
notes on unreliable frames, and debug images in the context tab."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest
from textual.content import Content

from tests.conftest import FIXTURES
from tui.backends.sentry_parse import parse_event
from tui.model import DebugImage, Event, ExceptionValue, Frame, Stacktrace, Thread
from tui.render.event import detail_line, detail_rows
from tui.render.trace import FrameRow, frame_title
from tui.render.trace_lines import FrameBlock, RegisterBlock, TextBlock, trace_blocks
from tui.render.trace_native import native_columns


def load_event(name: str) -> Event:
    return parse_event(json.loads(FIXTURES.joinpath("sentry", name).read_text()))


def titles(event: Event) -> list[str]:
    blocks = trace_blocks(event, in_app_only=False)
    return [b.lines(False, False, 0, 1)[0].plain for b in blocks if isinstance(b, FrameBlock)]


def texts(event: Event) -> list[str]:
    blocks = trace_blocks(event, in_app_only=False)
    return [b.content.plain for b in blocks if isinstance(b, TextBlock)]


def test_native_frames_line_up_address_image_symbol_and_offset() -> None:
    event = load_event("sentry_event_native.json")
    crash_titles = titles(event)[:4]
    crash = event.exceptions[0].stacktrace.frames[-1]
    distance = int(crash.instruction_addr, 16) - int(crash.symbol_addr, 16)
    assert crash_titles[0].startswith(f"0x{crash.instruction_addr[2:]:0>16}  crashdemo  ")
    assert f"read_limit+{distance:#x}" in crash_titles[0]
    # Every column starts at the same cell in every frame of the trace.
    for column in ("crashdemo", "crash.c:"):
        assert len({title.index(column) for title in crash_titles}) == 1
    worker_titles = titles(event)[4:]
    assert {t.index("  libc.so.6  ") for t in worker_titles if "libc" in t} == {18}
    assert len({t.index(t.split()[3]) for t in worker_titles}) == 1


def registers_at(event: Event, width: int) -> list[str]:
    block = next(b for b in trace_blocks(event, in_app_only=False) if isinstance(b, RegisterBlock))
    return [line.plain for line in block.lines(width, 0, block.height(width))][1:]  # blank above


def test_registers_follow_the_crashing_stack() -> None:
    event = load_event("sentry_event_native.json")
    rip = event.exceptions[0].stacktrace.registers["rip"]
    rows = registers_at(event, 120)
    assert any(f"rip 0x{rip[2:]:0>16}" in row for row in rows)
    assert len(rows) == 5  # 18 registers, four fit in a row of 120


@pytest.mark.parametrize("width", [40, 80, 120, 200])
def test_registers_fill_the_width_in_aligned_columns_never_splitting_a_value(width: int) -> None:
    event = load_event("sentry_event_native.json")
    registers = event.exceptions[0].stacktrace.registers
    rows = registers_at(event, width)
    cells = [re.findall(r"\s*\w+ 0x[0-9a-f]{16}", row) for row in rows]
    assert sum(len(row) for row in cells) == len(registers)  # each value whole on one row
    per_row = len(cells[0])
    assert all(len(row) == per_row for row in cells[:-1]) and 0 < len(cells[-1]) <= per_row
    assert all(len(row.rstrip()) <= width for row in rows)
    first = rows[0].rstrip()
    cell = (len(first) - 3 + 2) // per_row  # a cell and the gap before it; 3 is the indent
    assert len(first) + cell > width or len(rows) == 1  # as many as fit: one more would not
    # columns line up: every row's cells end where the first row's do
    ends = [[row.index(c) + len(c) for c in found] for row, found in zip(rows, cells, strict=True)]
    assert all(row == ends[0][: len(row)] for row in ends)


def test_long_jvm_rows_are_not_folded_mid_word() -> None:
    event = load_event("sentry_event_jvm.json")
    blocks = trace_blocks(event, in_app_only=False)
    crash = next(b for b in blocks if isinstance(b, TextBlock) and b.kind == "crash")
    lines = [line.plain for line in crash.lines(60, 0, crash.height(60))]
    assert len(lines) == 3  # blank, the exception, where it was raised
    assert lines[2].rstrip().endswith("LedgerJob$PeriodCloser.close") and len(lines[2]) > 60
    message = TextBlock("message", Content("word " * 30))
    assert message.height(60) == 3  # an event's message is prose: it folds


def test_other_threads_are_listed_with_their_locks_and_stacks() -> None:
    event = load_event("sentry_event_native.json")
    headings = [t for t in texts(event) if t.startswith("thread ")]
    crashed, worker = headings
    assert "crashed" in crashed and "current" in crashed
    assert '"cache-worker" · TIMED_WAITING' in worker
    assert "holds pthread_mutex_t cache_lock <0x" in worker
    keys = [b.key for b in trace_blocks(event, in_app_only=False) if isinstance(b, FrameBlock)]
    assert {position for position, _ in keys} == {0, 2}  # the exception, then the worker
    assert "its stack is the trace above" in texts(event)


def test_jvm_frames_name_the_class_and_threads_say_who_blocks_whom() -> None:
    event = load_event("sentry_event_jvm.json")
    assert titles(event)[0].startswith(
        "LedgerJob.java:62 in com.example.billing.LedgerJob$PeriodCloser.close"
    )
    flusher = next(t for t in event.threads if t.name == "ledger-flusher")
    writer = next(t for t in texts(event) if '"report-writer"' in t)
    assert "BLOCKED" in writer
    assert "blocked on java.lang.Object <0x" in writer and f"held by thread {flusher.id}" in writer
    summary = texts(event)[0]
    assert "in com.example.billing.LedgerJob$PeriodCloser.close" in summary


def test_unreliable_frames_and_other_names_are_noted_dimly() -> None:
    frame = Frame(
        function="parse",
        raw_function="_Z5parsePKc",
        instruction_addr="0x1010",
        symbol_addr="0x1000",
        package="C:\\app\\parser.dll",
        trust="scan",
        addr_mode="rel:2",
        platform="c",
    )
    columns = native_columns((frame,))
    title = frame_title(FrameRow(frame, 0), columns, "native").plain
    assert title.startswith("0x00001010  parser.dll  parse+0x10")
    for note in ("[found by scan]", "[rel:2]", "[c]", "[raw _Z5parsePKc]"):
        assert note in title
    exact = replace(frame, trust="cfi", addr_mode="abs", platform="native", raw_function="parse")
    assert "[" not in frame_title(FrameRow(exact, 0), columns, "native").plain


def test_sdk_omitted_frames_are_one_gap_row_in_an_addressed_trace() -> None:
    frames = tuple(Frame(function=f"f{i}", instruction_addr=hex(0x1000 + i)) for i in range(4))
    stack = Stacktrace(frames=frames, frames_omitted=(2, 39))
    event = Event(
        id="e", platform="native", exceptions=(ExceptionValue("SIGABRT", stacktrace=stack),)
    )
    rows = [
        b.content.plain if isinstance(b, TextBlock) else b.row.frame.function
        for b in trace_blocks(event, in_app_only=False)[2:]
    ]
    assert rows == ["f3", "f2", "f1", "… 37 frames omitted by the SDK …", "f0"]


def test_a_crashed_threads_stack_is_the_trace_when_the_exception_has_none() -> None:
    stack = Stacktrace(frames=(Frame(function="main"), Frame(function="crash")))
    event = Event(
        id="e",
        platform="native",
        exceptions=(ExceptionValue("EXC_BAD_ACCESS"),),
        threads=(
            Thread("1", "worker", state="WAITING"),
            Thread("2", "main", crashed=True, stacktrace=stack),
        ),
    )
    blocks = trace_blocks(event, in_app_only=False)
    frames = [b for b in blocks if isinstance(b, FrameBlock)]
    assert [f.row.frame.function for f in frames] == ["crash", "main"]
    assert frames[0].row.crashed and "in crash" in texts(event)[0]


def test_a_10000_frame_native_trace_measures_its_columns_once() -> None:
    frames = tuple(
        Frame(function=f"fn{i}", instruction_addr=hex(0x7F0000000000 + i)) for i in range(10_000)
    )
    event = Event(
        id="e",
        platform="native",
        exceptions=(ExceptionValue("SIGSEGV", stacktrace=Stacktrace(frames=frames)),),
    )
    blocks = [b for b in trace_blocks(event, in_app_only=False) if isinstance(b, FrameBlock)]
    assert len(blocks) == 10_000 and len({id(b.columns) for b in blocks}) == 1


def test_debug_images_are_listed_with_range_arch_and_status() -> None:
    event = load_event("sentry_event_native.json")
    lines = [detail_line(row).plain for row in detail_rows(event)]
    start = lines.index("debug images")
    images = {line.split()[0]: line for line in lines[start + 1 :]}
    app = next(i for i in event.debug_images if i.code_file.endswith("/crashdemo"))
    assert app.debug_id in images["crashdemo"] and "x86_64" in images["crashdemo"]
    assert f"{app.image_addr}–{int(app.image_addr, 16) + app.image_size:#x}" in images["crashdemo"]
    assert images["crashdemo"].endswith("found")
    assert images["ld-linux-x86-64.so.2"].endswith("unused")


def test_addresses_that_are_not_hex_render_without_an_offset() -> None:
    """A model from elsewhere than the parsers (a tampered offline store) may hold any text."""
    frame = Frame(function="f", instruction_addr="0x\x1b[2J", symbol_addr="zz", package="a")
    title = frame_title(FrameRow(frame, 0), native_columns((frame,)), "native").plain
    assert title.endswith("  a  f") and "\x1b" not in title
    event = Event(id="e", debug_images=(DebugImage("elf", code_file="x", image_addr="nope"),))
    assert any("x" in detail_line(row).plain for row in detail_rows(event))
