"""Issue list cells and the issue header: model -> Rich `Text` (table) and Textual `Content`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from rich.text import Text
from textual.content import Content
from textual.style import Style

from tui.model import Issue, IssueQuery, IssueStatus
from tui.render.health import badge_cell, health_line, release_cell, trend_cell
from tui.render.text import absolute_time, plain, plain_text, relative_time
from tui.sanitize import inert
from tui.terminal.opener import check_url
from tui.words import plural

LEVEL_THEME_COLOR = {
    "fatal": "error",
    "error": "error",
    "warning": "warning",
    "info": "primary",
    "debug": "secondary",
}
STATUS_THEME_COLOR = {
    IssueStatus.UNRESOLVED: "foreground",
    IssueStatus.RESOLVED: "success",
    IssueStatus.IGNORED: "secondary",
}
STATUS_GLYPH = {IssueStatus.UNRESOLVED: "●", IssueStatus.RESOLVED: "✓", IssueStatus.IGNORED: "⊘"}
LEVEL_LETTER = {"fatal": "F", "error": "E", "warning": "W", "info": "I", "debug": "D"}
"""Narrow tables show the level as a letter: a coloured dot made fatal and error look alike."""


TRUNCATED = frozenset({"title", "culprit", "short_id", "assignee", "first_release", "last_release"})


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int | None
    """`None` for the column that takes the remaining width."""


STATUS_WIDTH = 10
"""The status column on a wide list: "unresolved", "REGRESSED"; narrow ones take a glyph."""


def issue_columns(
    total_width: int,
    id_width: int = 12,
    assignees: bool = False,
    *,
    trend: bool = False,
    releases: bool = False,
) -> list[Column]:
    """The columns that fit `total_width` cells; narrow terminals drop culprit and users.

    `id_width` is the longest short id on screen: ids are what people paste, so never cut.
    `assignees` adds who an issue is assigned to (when a listed issue is assigned); `trend` and
    `releases` add those columns when the listed issues have them: the trend always (narrower
    as the terminal narrows), the last release from 110 cells (in the culprit's place), the
    first one too from 150.
    """
    wide = total_width >= 110
    roomy = total_width >= 150
    # The level's word only where the title keeps room for itself; otherwise its coloured letter.
    worded = roomy or (wide and not (trend or releases))
    columns = [
        Column("level", "level" if worded else "", 7 if worded else 1),
        Column("short_id", "id", max(2, min(id_width, 24))),
        Column("title", "title", None),
        Column("culprit", "culprit", None) if roomy or (wide and not releases) else None,
        Column("count", "events", 6),
        Column("users", "users", 5) if wide else None,
        Column("last_seen", "seen", 4),
        Column("trend", "trend", 14 if roomy else 7 if wide else 5) if trend else None,
        Column("first_release", "first", 8) if releases and roomy else None,
        Column("last_release", "last" if roomy else "release", 8) if releases and wide else None,
        Column("assignee", "assignee" if wide else "who", 10 if wide else 6) if assignees else None,
        Column("status", "status", STATUS_WIDTH if wide else 6),
    ]
    kept = [column for column in columns if column is not None]
    # DataTable pads each cell by one on both sides; 2 more for the vertical scrollbar.
    fixed = sum(c.width or 0 for c in kept) + 2 * len(kept) + 2
    flexible = [c for c in kept if c.width is None]
    spare = max(16, total_width - fixed)
    # The title says what broke; the culprit only where, so it gets a third at most.
    culprit = min(40, spare // 3)
    shares = [spare - culprit, culprit] if len(flexible) == 2 else [spare]
    sized = iter(shares)
    return [c if c.width is not None else Column(c.key, c.label, next(sized)) for c in kept]


def compact_count(value: int) -> str:
    """`999`, `1.2k`, `34k`, `1.5M`: event counts stay within a narrow column."""
    if value < 1000:
        return str(value)
    if value < 10_000:
        return f"{value / 1000:.1f}k"
    if value < 1_000_000:
        return f"{value // 1000}k"
    return f"{value / 1_000_000:.1f}M"


def _color(colors: Mapping[str, str], name: str) -> str:
    # `text-*` variants are the theme's colours adjusted for contrast as text on the background.
    return colors.get(f"text-{name}", colors.get(name, ""))


def issue_cells(
    issue: Issue, columns: list[Column], now: datetime, colors: Mapping[str, str]
) -> list[Text]:
    """One table row; `colors` maps theme variable names to colours (`App.theme_variables`)."""
    level_color = _color(colors, LEVEL_THEME_COLOR.get(issue.level, "foreground"))
    # Unresolved is the usual state: dim it so resolved and ignored rows stand out.
    unresolved = issue.status is IssueStatus.UNRESOLVED
    status_color = "dim" if unresolved else _color(colors, STATUS_THEME_COLOR[issue.status])
    muted = "dim"
    lettered = next(c for c in columns if c.key == "level").width == 1
    narrow = next(c for c in columns if c.key == "status").width != STATUS_WIDTH
    trend_width = next((c.width or 0 for c in columns if c.key == "trend"), 0)
    cells = {
        "level": plain_text(
            level_letter(issue.level) if lettered else issue.level, f"bold {level_color}"
        ),
        "short_id": plain_text(issue.short_id, muted),
        "title": plain_text(issue.title, "bold" if issue.status is IssueStatus.UNRESOLVED else ""),
        "culprit": plain_text(issue.culprit, muted),
        "count": Text(compact_count(issue.count), justify="right"),
        "users": Text(compact_count(issue.user_count), justify="right"),
        "last_seen": age_cell(issue, now),
        "assignee": plain_text(issue.assignee.label if issue.assignee else "", muted),
        "trend": trend_cell(issue, trend_width, _color(colors, "accent")),
        "first_release": release_cell(issue.first_release),
        "last_release": release_cell(issue.last_release),
        "status": (unresolved and badge_cell(issue, now, colors, narrow))
        or Text(
            STATUS_GLYPH[issue.status] if narrow else issue.status.value,
            style=status_color,
            justify="center" if narrow else "left",
        ),
    }
    for column in columns:
        if column.width is not None and column.key in TRUNCATED:
            cells[column.key].truncate(column.width, overflow="ellipsis")
    return [cells[column.key] for column in columns]


def age_cell(issue: Issue, now: datetime) -> Text:
    """The "seen" cell alone: the only one that changes as the clock moves."""
    return Text(relative_time(issue.last_seen, now), justify="right")


def level_letter(level: str) -> str:
    # Levels outside Sentry's five (a custom "critical") still get their initial.
    return LEVEL_LETTER.get(level, level[:1].upper() or "?")


def status_badge(issue: Issue) -> Content:
    style = {
        IssueStatus.UNRESOLVED: "bold $text-warning",
        IssueStatus.RESOLVED: "bold $text-success",
        IssueStatus.IGNORED: "bold $text-secondary",
    }[issue.status]
    label = f"{STATUS_GLYPH[issue.status]} {issue.status.value}"
    if issue.status_detail:
        label += f" ({issue.status_detail})"
    return plain(label, style)


def level_badge(level: str) -> Content:
    color = LEVEL_THEME_COLOR.get(level, "foreground")
    return plain(f" {level.upper()} ", f"bold $text on ${color}")


def issue_header(issue: Issue, now: datetime) -> Content:
    """Title block of the detail screen: what, where, how bad, how long."""
    facts = [
        status_badge(issue),
        Content.assemble((f"{issue.count:,}", "bold"), " " + plural(issue.count, "event")),
        Content.assemble((f"{issue.user_count:,}", "bold"), " " + plural(issue.user_count, "user")),
        Content(f"first seen {relative_time(issue.first_seen, now)} ago"),
        Content(f"last seen {relative_time(issue.last_seen, now)} ago"),
    ]
    title = Content.assemble(
        level_badge(issue.level),
        " ",
        plain(issue.short_id, "$text-muted"),
        "  ",
        plain(issue.title, "bold"),
    )
    lines = [title]
    if issue.culprit:
        lines.append(plain(issue.culprit, "$text-muted"))
    lines.append(Content(" · ").join(facts))
    lines.append(health_line(issue, now))
    # On a line of its own so that narrow terminals cut the facts, never the link.
    if issue.permalink:
        lines.append(permalink_line(issue.permalink))
    return Content("\n").join(lines)


def seen_range(issue: Issue) -> str:
    return f"{absolute_time(issue.first_seen)} → {absolute_time(issue.last_seen)}"


def empty_result(query: IssueQuery) -> Content:
    """What an empty list says instead of a bare table: what matched nothing, how to widen it."""
    where = plain(f" in {query.environment}", "bold") if query.environment else Content("")
    hints = []
    if query.query:
        head = Content.assemble(
            ("no issues match ", "bold"), plain(query.query, "bold $text-accent")
        )
        hints = ["press / to edit the query", "try is:ignored or is:resolved"]
    else:
        head = Content.styled("no issues", "bold")
    if query.environment:
        hints.append("press e for every environment")
    hints = hints or ["nothing has been reported yet"]
    return Content.assemble(head, where, "\n", (" · ".join(hints), "$text-muted"))


def permalink_line(url: str) -> Content:
    """The issue's web address, an OSC 8 link where the terminal supports one: when a short
    terminal cuts the line, the whole address still opens with a click (and `Y` copies it).

    A URL the privacy mask changes is drawn without its target: the terminal would write the
    target, unmasked, into its own output (OSC 8) and show it on hover."""
    line = plain(url, "$text-muted underline")
    masked = line.plain != inert(url)
    return line if masked or check_url(url) else line.stylize(Style(link=url))
