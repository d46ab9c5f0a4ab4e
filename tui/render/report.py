"""The CLI's printed output: an issue table and an event report, highlighted on a terminal and
plain when piped. Shares frame ordering and lexer choice with the TUI's trace rendering."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterable
from datetime import UTC, datetime

from rich.console import Console, Group, RenderableType
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text

from tui.model import Breadcrumb, Event, ExceptionValue, Frame, Issue, IssueStatus
from tui.priority import badges, score
from tui.render.grouping import NOT_REPORTED, grouping_pairs
from tui.render.health import health_line
from tui.render.links import link_pairs
from tui.render.text import absolute_time, relative_time, sanitize
from tui.render.trace import (
    FrameRow,
    _window,
    exception_blocks,
    language_for,
    newest_first,
    trace_rows,
)
from tui.render.trace_native import image_name, offset, padded_address
from tui.words import counted

PIPE_WIDTH = 200
"""Piped output is not cut to 80 columns: a script reading it wants whole lines."""
BREADCRUMBS_SHOWN = 10
CONTEXT_AROUND = 10
"""Context lines printed either side of a frame's line: a server may send a whole file."""


def console() -> Console:
    tty = sys.stdout.isatty()
    return Console(highlight=False, width=None if tty else PIPE_WIDTH, soft_wrap=not tty)


def print_issue_table(
    issues: Iterable[Issue], now: datetime | None = None, *, scored_in: str | None = None
) -> None:
    """The issues as a table; `scored_in` (the environment the list is filtered to) adds the
    priority score each issue was ranked by."""
    now = now or datetime.now(UTC)
    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
    columns = [("ID", "left"), ("STATUS", "left"), ("LEVEL", "left")]
    if scored_in is not None:
        columns.append(("SCORE", "right"))
    columns += [("EVENTS", "right"), ("USERS", "right"), ("SEEN", "right"), ("TITLE", "left")]
    for name, justify in columns:
        table.add_column(name, justify=justify, no_wrap=True, overflow="ellipsis")  # type: ignore[arg-type]
    for issue in issues:
        badges_or_status = " ".join(b.value for b in badges(issue, now)) or issue.status.value
        score_cell = [f"{score(issue, now, scored_in).score:g}"] if scored_in is not None else []
        table.add_row(
            Text(sanitize(issue.short_id)),
            Text(
                badges_or_status if issue.status is IssueStatus.UNRESOLVED else issue.status.value
            ),
            Text(sanitize(issue.level)),
            *score_cell,
            str(issue.count),
            str(issue.user_count),
            relative_time(issue.last_seen, now),
            Text(sanitize(issue.title)),
        )
    out = console()
    if out.is_terminal:
        out.print(table)
        return
    # Piped: each row without the table's padding after the title, for `cut`, `awk` and diffs.
    with out.capture() as captured:
        out.print(table)
    sys.stdout.write("".join(line.rstrip() + "\n" for line in captured.get().splitlines()))


def print_event_report(issue: Issue, event: Event) -> None:
    console().print(event_report(issue, event))


def event_report_text(issue: Issue, event: Event) -> str:
    """The report as plain text, no colour and no wrapping: fit to paste into a ticket."""
    out = io.StringIO()
    Console(file=out, width=PIPE_WIDTH, color_system=None, highlight=False, soft_wrap=True).print(
        event_report(issue, event)
    )
    return out.getvalue()


def event_report(issue: Issue, event: Event) -> Group:
    parts: list[RenderableType] = [_issue_header(issue), _event_line(event), Text()]
    if links := link_pairs(event.links):
        parts += [*_labelled("Linked", links), Text()]
    for block in exception_blocks(event.exceptions):
        if block.link:
            parts.append(Text(f"{'  ' * block.depth}{block.link}", style="italic dim"))
        parts.extend(_exception(block.exception, event.platform, crashed=not block.link))
        parts.append(Text())
    if event.processing_errors:
        parts.append(Text("Server processing errors", style="bold"))
        parts.extend(Text(f"  {sanitize(error)}") for error in event.processing_errors)
        parts.append(Text())
    if event.breadcrumbs:
        parts.append(Text(f"Breadcrumbs (last {BREADCRUMBS_SHOWN})", style="bold"))
        parts.extend(_breadcrumb(c) for c in event.breadcrumbs[-BREADCRUMBS_SHOWN:])
        parts.append(Text())
    if event.tags:
        parts.append(Text("Tags", style="bold"))
        parts.extend(Text(f"  {sanitize(k)} = {sanitize(v)}") for k, v in event.tags)
        parts.append(Text())
    parts += _labelled("Grouping", grouping_pairs(event.grouping), empty=NOT_REPORTED)
    return Group(*parts)


def _labelled(title: str, pairs: list[tuple[str, str]], empty: str = "") -> list[Text]:
    rows = [Text(title, style="bold")]
    rows += [Text(f"  {label}: {sanitize(value)}") for label, value in pairs]
    if not pairs and empty:
        rows.append(Text(f"  {empty}", style="dim"))
    return rows


def _issue_header(issue: Issue) -> Text:
    text = Text()
    text.append(sanitize(issue.short_id), style="bold")
    text.append("  ")
    text.append(sanitize(issue.title), style="bold red")
    text.append(f"  [{issue.status.value}]", style="yellow")
    text.append(
        f"\n{counted(issue.count, 'event')} · {counted(issue.user_count, 'user')} · first seen "
        f"{absolute_time(issue.first_seen)} · last seen {absolute_time(issue.last_seen)}"
    )
    # Badges, releases and why the issue ranks where it does, as the issue screen says them.
    text.append("\n" + health_line(issue, datetime.now(UTC)).plain)
    if issue.permalink:
        text.append(f"\n{sanitize(issue.permalink)}", style="dim")
    return text


def _event_line(event: Event) -> Text:
    details = [f"event {sanitize(event.id)}", absolute_time(event.timestamp)]
    details += [sanitize(v) for v in (event.environment, event.release) if v]
    return Text(" · ".join(details), style="dim")


def _exception(exc: ExceptionValue, platform: str, *, crashed: bool) -> list[RenderableType]:
    title = Text()
    title.append(sanitize(exc.type), style="bold red")
    if exc.value:
        title.append(": " + sanitize(exc.value, multiline=True))
    parts: list[RenderableType] = [title]
    if exc.stacktrace is None or not exc.stacktrace.frames:
        return parts
    rows = trace_rows(
        exc.stacktrace, in_app_only=False, newest_first=newest_first(platform), crashed=crashed
    )
    for row in rows:
        if isinstance(row, FrameRow):
            parts.extend(_frame(row, platform))
        else:
            parts.append(Text(f"    … {row.count} frames omitted …", style="dim italic"))
    return parts


def _frame(row: FrameRow, platform: str) -> list[RenderableType]:
    frame = row.frame
    line = Text("  ")
    if frame.instruction_addr:  # a native frame: what identifies it, as the TUI's columns do
        line.append(f"{padded_address(frame.instruction_addr, 16)} {image_name(frame)}  ", "dim")
    line.append(sanitize(frame.display_path), style="bold" if frame.in_app else "dim")
    if frame.lineno is not None:
        line.append(f":{frame.lineno}" + (f":{frame.colno}" if frame.colno else ""))
    if frame.function:
        line.append(" in ", style="dim")
        line.append(
            sanitize(frame.function) + offset(frame), style="cyan" if frame.in_app else "dim"
        )
    if row.crashed:
        line.append("  <- crashed here", style="bold red")
    parts: list[RenderableType] = [line]
    parts.extend(_frame_notes(frame))
    if (frame.in_app or row.crashed) and frame.context:
        parts.append(_context(frame, platform))
    return parts


def _frame_notes(frame: Frame) -> list[Text]:
    """Why a frame stayed minified, the server's reason beside stackdeck's own attempt."""
    notes = (
        ("server could not resolve", frame.server_failure),
        ("not resolved locally", frame.resolve_failure),
        ("source map", frame.provenance),
        ("source", "this machine's copy of the file" if frame.context_source == "local" else ""),
    )
    style = "dim italic"
    return [Text(f"      {label}: {sanitize(text)}", style=style) for label, text in notes if text]


def _context(frame: Frame, platform: str) -> Text:
    """Numbered source lines, highlighted, the frame's line marked; no padding to the width.

    Only lines near the frame's own are highlighted, each cut to a window around the column as
    the TUI does, so a huge file or a megabyte minified line prints as quickly as a small one.
    """
    lineno = frame.lineno or 0
    context = tuple(c for c in frame.context if abs(c.lineno - lineno) <= CONTEXT_AROUND)
    language = language_for(frame.filename or frame.abs_path, frame.platform or platform)
    code = "\n".join(_window(sanitize(c.line), frame.colno)[0] for c in context)
    lines = Syntax("", language, theme="ansi_dark").highlight(code).split("\n", allow_blank=True)
    width = len(str(context[-1].lineno))
    out = Text()
    for number, (line, text) in enumerate(zip(context, lines, strict=False)):
        current = line.lineno == frame.lineno
        gutter = f"    {'>' if current else ' '} {line.lineno:>{width}} | "
        out.append(gutter, style="bold red" if current else "dim")
        out.append_text(text)
        if number < len(context) - 1:
            out.append("\n")
    return out


def _breadcrumb(crumb: Breadcrumb) -> Text:
    when = crumb.timestamp.strftime("%H:%M:%S") if crumb.timestamp else "--:--:--"
    what = crumb.message or ", ".join(f"{k}={v}" for k, v in crumb.data.items())
    return Text(f"  {when} {sanitize(crumb.category or crumb.type):<12} {sanitize(what)}")
