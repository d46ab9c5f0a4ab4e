"""Event-level facts: the event bar, breadcrumbs, tags and contexts as `Content`."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual.content import Content

from tui.model import Breadcrumb, Event, ExceptionValue, Frame
from tui.render.text import absolute_time, plain, plain_text, relative_time, sanitize

BREADCRUMB_LEVEL_COLOR = {
    "fatal": "error",
    "error": "error",
    "warning": "warning",
    "info": "primary",
}


def event_bar(event: Event, now: datetime) -> Content:
    """Which event is on screen, when it happened, and where `p`/`n` lead."""
    parts: list[Content] = [
        Content.assemble(("event ", "$text-muted"), plain(event.id[:12], "bold")),
        Content(f"{absolute_time(event.timestamp)}, {relative_time(event.timestamp, now)} ago"),
    ]
    if event.release:
        parts.append(Content.assemble(("release ", "$text-muted"), plain(event.release)))
    if event.environment:
        parts.append(Content.assemble(("env ", "$text-muted"), plain(event.environment)))
    if not event.next_event_id:
        parts.append(Content.styled("latest", "$text-success"))
    if not event.previous_event_id:
        parts.append(Content.styled("oldest", "$text-secondary"))
    return Content(" · ").join(parts)


def crash_summary(exc: ExceptionValue, frame: Frame | None) -> Content:
    """One line naming the raised exception and the frame it came out of."""
    head = Content.assemble(
        ("✖ ", "bold $text-error"),
        plain(exc.type or "Error", "bold $text-error"),
        ": " if exc.value else "",
        plain(exc.value.splitlines()[0] if exc.value else "", "bold"),
    )
    if frame is None:
        return head
    where = Content.assemble(
        ("   at ", "$text-muted"),
        plain(frame.display_path, "$text-primary"),
        (f":{frame.lineno}" if frame.lineno is not None else "", "$text-warning"),
        (" in ", "$text-muted"),
        plain(frame.function or "?", "$text-accent"),
    )
    return head + "\n" + where


def breadcrumbs_table(
    breadcrumbs: Iterable[Breadcrumb], colors: Mapping[str, str]
) -> RenderableType:
    """Oldest first, like a log, so the last row is what happened just before the error.

    A Rich grid rather than lines: long messages wrap inside their own column. `colors` maps
    theme variable names to colours (`App.theme_variables`).
    """
    crumbs = list(breadcrumbs)
    if not crumbs:
        return Text("no breadcrumbs recorded", style="dim italic")
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True, style="dim")
    table.add_column(no_wrap=True, max_width=18, overflow="ellipsis")
    table.add_column(no_wrap=True)
    table.add_column(ratio=1, overflow="fold")
    for crumb in crumbs:
        when = crumb.timestamp.strftime("%H:%M:%S.%f")[:-3] if crumb.timestamp else ""
        level_color = colors.get(f"text-{BREADCRUMB_LEVEL_COLOR.get(crumb.level, '')}", "")
        table.add_row(
            when,
            plain_text(crumb.category or crumb.type, colors.get("text-secondary", "")),
            plain_text(crumb.level, level_color),
            plain_text(crumb.message or _data_summary(crumb.data), multiline=True),
        )
    return table


def _data_summary(data: dict[str, Any]) -> str:
    if {"method", "url"} <= data.keys():
        status = data.get("status_code")
        return f"{data['method']} {data['url']}" + (f" [{status}]" if status else "")
    return " ".join(f"{key}={value}" for key, value in data.items())


def tags_content(event: Event) -> Content:
    if not event.tags:
        return plain("no tags", "$text-muted italic")
    return plain("tags", "bold $text-accent") + "\n" + _key_values(event.tags)


def contexts_content(event: Event) -> Content:
    """Contexts, user and request grouped under their names."""
    sections: list[tuple[str, dict[str, Any]]] = list(event.contexts.items())
    if event.user:
        sections.append(("user", event.user))
    if event.request:
        sections.append(("request", event.request))
    blocks = []
    for name, values in sections:
        pairs = [(key, value) for key, value in values.items() if key != "type" and value]
        if pairs:
            blocks.append(plain(name, "bold $text-accent") + "\n" + _key_values(pairs))
    if not blocks:
        return plain("no contexts", "$text-muted italic")
    return Content("\n\n").join(blocks)


def _key_values(pairs: Iterable[tuple[str, Any]]) -> Content:
    pairs = list(pairs)
    width = min(24, max(len(sanitize(key)) for key, _ in pairs))
    return Content("\n").join(
        Content.assemble(
            plain(f"  {sanitize(key):<{width}}", "$text-secondary"),
            "  ",
            plain(_value(value)),
        )
        for key, value in pairs
    )


def _value(value: Any) -> str:
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, default=str, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)
