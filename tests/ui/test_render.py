"""The render layer: sanitising server text, ages, frame ordering, exception chains."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from tests.ui.fakes import NOW, python_event
from tui.model import Breadcrumb, ExceptionValue, Frame, Mechanism, Stacktrace
from tui.privacy import set_masking
from tui.render.event import breadcrumb_line, event_bar
from tui.render.issue import compact_count, issue_columns, permalink_line
from tui.render.text import plain, relative_time, sanitize
from tui.render.trace import (
    FrameRow,
    GapRow,
    context_lines,
    exception_blocks,
    frame_title,
    language_for,
    link_label,
    newest_first,
    trace_rows,
    variable_lines,
)


def test_markup_stays_literal() -> None:
    assert sanitize("[bold]x[/]") == "[bold]x[/]"
    content = plain("[bold]x[/]")
    assert content.plain == "[bold]x[/]"
    assert not content.spans


def test_escape_sequences_become_visible() -> None:
    assert sanitize("\x1b[31mred") == "␛[31mred"


def test_carriage_return_and_nul_become_visible() -> None:
    assert sanitize("a\rb\x00") == "a␍b␀"


def test_newlines_kept_only_when_multiline() -> None:
    assert sanitize("a\nb") == "a␊b"
    assert sanitize("a\r\nb", multiline=True) == "a\nb"


def test_bidi_override_and_c1_controls_shown_as_escapes() -> None:
    assert sanitize("\u202eevil\x9b") == "\\u202eevil\\x9b"


def test_relative_time_units() -> None:
    assert relative_time(NOW - timedelta(seconds=42), NOW) == "42s"
    assert relative_time(NOW - timedelta(minutes=3), NOW) == "3m"
    assert relative_time(NOW - timedelta(hours=2, minutes=59), NOW) == "2h"
    assert relative_time(NOW - timedelta(days=5), NOW) == "5d"
    assert relative_time(None, NOW) == "-"
    assert relative_time(NOW + timedelta(minutes=1), NOW) == "0s"


def test_compact_count() -> None:
    assert [compact_count(n) for n in (999, 1432, 34_500, 1_500_000)] == [
        "999",
        "1.4k",
        "34k",
        "1.5M",
    ]


def test_narrow_terminal_drops_culprit_and_users() -> None:
    wide = [c.key for c in issue_columns(120)]
    narrow = [c.key for c in issue_columns(80)]
    assert "culprit" in wide and "users" in wide
    assert "culprit" not in narrow and "users" not in narrow
    assert sum(c.width or 0 for c in issue_columns(80)) + 2 * len(narrow) + 2 <= 80


def _frames(*in_app: bool) -> Stacktrace:
    return Stacktrace(frames=tuple(Frame(function=f"f{i}", in_app=a) for i, a in enumerate(in_app)))


def test_library_runs_collapse_but_crash_frame_stays() -> None:
    rows = trace_rows(
        _frames(False, False, True, False), in_app_only=True, newest_first=False, crashed=True
    )
    assert rows[0] == GapRow(2, omitted=False)
    assert isinstance(rows[1], FrameRow) and rows[1].index == 2
    assert isinstance(rows[2], FrameRow) and rows[2].crashed and rows[2].index == 3


def test_all_library_trace_is_shown_whole() -> None:
    rows = trace_rows(_frames(False, False), in_app_only=True, newest_first=False, crashed=False)
    assert [type(row) for row in rows] == [FrameRow, FrameRow]


def test_omitted_frames_sit_between_start_minus_one_and_start() -> None:
    stack = Stacktrace(frames=_frames(True, True, True).frames, frames_omitted=(2, 12))
    rows = trace_rows(stack, in_app_only=False, newest_first=False, crashed=False)
    assert isinstance(rows[0], FrameRow) and rows[0].index == 0
    assert rows[1] == GapRow(10, omitted=True)
    assert isinstance(rows[2], FrameRow) and rows[2].index == 1


def test_newest_first_reverses_for_javascript_only() -> None:
    assert not newest_first("python")
    assert newest_first("javascript") and newest_first("node")
    rows = trace_rows(_frames(True, True), in_app_only=False, newest_first=True, crashed=True)
    assert isinstance(rows[0], FrameRow) and rows[0].crashed


def test_chain_links_follow_mechanism_source() -> None:
    blocks = exception_blocks(python_event("1").exceptions)
    assert [(b.exception.type, b.link) for b in blocks] == [
        ("ValueError", ""),
        ("CardError", "during handling of"),
    ]


def test_exception_group_members_are_nested() -> None:
    group = ExceptionValue(
        "ExceptionGroup", mechanism=Mechanism(exception_id=0, is_exception_group=True)
    )
    first = ExceptionValue(
        "KeyError", mechanism=Mechanism(source="exceptions[0]", exception_id=1, parent_id=0)
    )
    cause = ExceptionValue(
        "OSError", mechanism=Mechanism(source="__cause__", exception_id=2, parent_id=1)
    )
    blocks = exception_blocks((group, first, cause))
    assert [(b.depth, b.link) for b in blocks] == [
        (0, ""),
        (1, "group member 1"),
        (1, "caused by"),
    ]


def test_context_marks_the_error_line_and_keeps_blank_lines() -> None:
    frame = Frame(
        filename="app.py",
        lineno=11,
        pre_context=("a = 1", ""),
        context_line="raise ValueError(a)",
        post_context=("",),
    )
    lines = [line.plain for line in context_lines(frame, "python", full=True)]
    assert lines[0].endswith("9 │ a = 1")
    assert lines[2].startswith("› 11 │ raise ValueError(a)")
    assert len(lines) == 4


def test_minified_line_is_windowed_around_the_column() -> None:
    line = "x" * 5000 + "THE_ERROR" + "y" * 5000
    frame = Frame(filename="a.min.js", lineno=1, colno=5001, context_line=line)
    text = "\n".join(line.plain for line in context_lines(frame, "javascript", full=True))
    assert "THE_ERROR" in text and len(text) < 200


def test_lexer_from_file_name_then_platform() -> None:
    assert language_for("app/models.py", "") == "python"
    assert language_for("https://x.test/a.js?v=1", "") in {"javascript", "js"}
    assert language_for("<anonymous>", "node") == "javascript"


def test_breadcrumb_is_one_literal_line() -> None:
    crumb = Breadcrumb(category="http", message="[red]x[/]\nsecond " + "word " * 30)
    line = breadcrumb_line(crumb)
    assert "[red]x[/]␊second word" in line.plain
    assert "\n" not in line.plain and not any("red" in str(s.style) for s in line.spans)


def test_exception_group_nested_1500_deep_is_counted_without_recursion() -> None:
    chain = [
        ExceptionValue(
            "ExceptionGroup", mechanism=Mechanism(exception_id=0, is_exception_group=True)
        )
    ]
    for i in range(1, 1500):
        mechanism = Mechanism(
            source="exceptions[0]", exception_id=i, parent_id=i - 1, is_exception_group=True
        )
        chain.append(ExceptionValue("ExceptionGroup", mechanism=mechanism))
    blocks = exception_blocks(tuple(chain))
    assert [b.depth for b in blocks] == list(range(1500))


def test_exception_parents_in_a_cycle_end_the_walk() -> None:
    a = ExceptionValue(
        "A", mechanism=Mechanism(exception_id=0, parent_id=1, is_exception_group=True)
    )
    b = ExceptionValue(
        "B", mechanism=Mechanism(exception_id=1, parent_id=0, is_exception_group=True)
    )
    assert [block.depth for block in exception_blocks((a, b))] == [1, 0]


def test_context_slice_highlights_only_the_rows_asked_for() -> None:
    post = tuple(f"x_{i} = {i}" for i in range(50_000))
    frame = Frame(
        filename="big.py", lineno=10, pre_context=("a = 1",), context_line="b()", post_context=post
    )
    lines = context_lines(frame, "python", full=True, start=30_000, stop=30_003)
    assert [line.plain.split("│ ")[1] for line in lines] == [
        "x_29998 = 29998",
        "x_29999 = 29999",
        "x_30000 = 30000",
    ]
    assert lines[0].plain.startswith("  30009 │")


def test_server_and_local_failures_both_shown_labelled() -> None:
    frame = Frame(
        filename="app.js",
        server_failure="no sourcemap found for chunk abc7d1e9",
        resolve_failure="no source map found",
    )
    title = frame_title(FrameRow(frame, 0)).plain
    assert "[server: no sourcemap found for chunk abc7d1e9]" in title
    assert "[local: no source map found]" in title


def test_event_bar_shows_the_whole_id_and_no_dangling_separator() -> None:
    event = replace(
        python_event("1"), id="019a2b3c-4d5e-7f80-9a1b-2c3d4e5f6a7b", previous_event_id="x"
    )
    text = event_bar(event, NOW).plain
    assert text.startswith("event 019a2b3c-4d5e-7f80-9a1b-2c3d4e5f6a7b · latest · 2026-08-21")
    assert not text.rstrip().endswith("·") and " ·  · " not in text


def test_variable_nested_too_deep_to_print_says_so() -> None:
    nested: list[object] = []
    for _ in range(100_000):
        nested = [nested]
    lines = variable_lines({"deep": nested, "ok": "1"})
    assert "nested too deep to show" in lines[0].plain
    assert lines[1].plain.endswith("= 1")


def test_a_group_member_index_of_thousands_of_digits_is_a_plain_link() -> None:
    huge = ExceptionValue("E", mechanism=Mechanism(source=f"exceptions[{'9' * 5000}]"))
    assert link_label(huge) == "caused by"
    member = ExceptionValue("E", mechanism=Mechanism(source="exceptions[2]"))
    assert link_label(member) == "group member 3"


def test_the_issue_url_is_a_link_and_a_hostile_one_is_not() -> None:
    url = "https://sentry.example.com/organizations/acme/issues/42/"
    [span] = [s for s in permalink_line(url).spans if getattr(s.style, "link", None)]
    assert span.style.link == url
    hostile = "javascript:alert(1)"
    assert not [s for s in permalink_line(hostile).spans if getattr(s.style, "link", None)]


def test_under_the_mask_a_url_the_mask_changes_is_drawn_without_its_target() -> None:
    secret = "https://app:hunter2@10.0.0.5/issues/42/"
    plain_url = "https://sentry.example.com/organizations/acme/issues/42/"
    set_masking(True)
    masked = permalink_line(secret)
    assert masked.plain == "https://app:***@***.***.***.***/issues/42/"
    assert not [s for s in masked.spans if getattr(s.style, "link", None)]
    # A URL the mask leaves alone keeps its link.
    [span] = [s for s in permalink_line(plain_url).spans if getattr(s.style, "link", None)]
    assert span.style.link == plain_url
