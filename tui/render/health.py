"""Release health on screen: the trend sparkline, badges, release cells and the priority's
"why is this first?" lines."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from rich.text import Text
from textual.content import Content

from tui.model import Issue
from tui.priority import Badge, Priority, badges, score
from tui.render.text import plain, plain_text

BARS = "▁▂▃▄▅▆▇█"
BADGE_THEME_COLOR = {Badge.NEW: "accent", Badge.REGRESSED: "error", Badge.ESCALATING: "warning"}
SHORT_BADGE = {Badge.NEW: "new", Badge.REGRESSED: "regr", Badge.ESCALATING: "esc"}
"""Badge words for the narrow status column (6 cells)."""


def sparkline(trend: tuple[int, ...], width: int) -> str:
    """The counts as bars, at most `width` of them: neighbouring buckets are summed to fit, the
    newest kept whole. A bucket without events is the lowest bar, any event at least the next."""
    if not trend or width <= 0:
        return ""
    per = -(-len(trend) // width)  # buckets per bar, rounded up
    offset = len(trend) % per
    groups = [trend[:offset]] if offset else []
    groups += [trend[i : i + per] for i in range(offset, len(trend), per)]
    sums = [sum(g) for g in groups][-width:]
    peak = max(sums)
    if peak == 0:
        return BARS[0] * len(sums)
    return "".join(BARS[0] if n == 0 else BARS[1 + round(6 * n / peak)] for n in sums)


def trend_cell(issue: Issue, width: int, color: str) -> Text:
    return Text(sparkline(issue.trend, width), style=color)


def short_release(version: str) -> str:
    """`billing-api@2.14.1` -> `2.14.1`: the project is on the row already."""
    return version.rpartition("@")[2]


def release_cell(version: str) -> Text:
    return plain_text(short_release(version), "dim")


def badge_cell(issue: Issue, now: datetime, colors: Mapping[str, str], narrow: bool) -> Text | None:
    """The status cell of an unresolved issue with a badge: the badge's word, in its colour
    (the word, not the colour alone, says which). None without one."""
    found = badges(issue, now)
    if not found:
        return None
    badge = found[0]
    name = BADGE_THEME_COLOR[badge]
    color = colors.get(f"text-{name}", colors.get(name, ""))
    word = SHORT_BADGE[badge] if narrow else badge.value.upper()
    # Centred where the narrow column centres its status glyph.
    return Text(word, style=f"bold {color}".strip(), justify="center" if narrow else "left")


def badge_line(issue: Issue, now: datetime) -> Content:
    """The badges as words for the issue header; empty without any."""
    words = [
        plain(badge.value.upper(), f"bold $text-{BADGE_THEME_COLOR[badge]}")
        for badge in badges(issue, now)
    ]
    return Content(" ").join(words)


def priority_lines(priority: Priority) -> Content:
    """ "why is this first?": the score, the parts that count, and the server's own priority."""
    line = Content.assemble(("priority ", "$text-muted"), (f"{priority.score:g}", "bold"))
    parts = [
        Content.assemble(plain(p.reason), (f" +{p.points:g}", "$text-success"))
        for p in priority.parts
        if p.points
    ]
    if parts:
        line += Content.styled(" = ", "$text-muted") + Content(", ").join(parts)
    if priority.server_priority:
        line += Content.assemble(
            ("  (server: ", "$text-muted"),
            plain(priority.server_priority, "bold"),
            (")", "$text-muted"),
        )
    return line


def health_line(issue: Issue, now: datetime) -> Content:
    """The issue header's release-health line: badges, releases, then why it ranks where it
    does (the score's parts), with the server's own priority beside."""
    parts = []
    if found := badge_line(issue, now):
        parts.append(found)
    if issue.first_release or issue.last_release:
        releases = Content.assemble(("releases ", "$text-muted"), plain(issue.first_release or "?"))
        if issue.last_release and issue.last_release != issue.first_release:
            releases += Content(" → ") + plain(issue.last_release)
        parts.append(releases)
    parts.append(priority_lines(score(issue, now)))
    return Content(" · ").join(parts)
