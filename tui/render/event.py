"""Event-level facts: the event bar, breadcrumbs, tags and contexts as `Content`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from textual.content import Content

from tui.model import Breadcrumb, DebugImage, Event, ExceptionValue, Frame
from tui.render.grouping import GROUPING_TITLE, NOT_REPORTED, grouping_pairs
from tui.render.issue import permalink_line
from tui.render.links import LINKS_TITLE, is_address, link_pairs
from tui.render.text import absolute_time, plain, relative_time, sanitize
from tui.render.trace_native import address_value, jvm_function

BREADCRUMB_LEVEL_COLOR = {
    "fatal": "error",
    "error": "error",
    "warning": "warning",
    "info": "primary",
}


def event_bar(event: Event, now: datetime) -> Content:
    """Which event is on screen, when it happened, and where `p`/`n` lead."""
    # The link to the other tool first: a narrow terminal cuts the end of the bar, and the
    # link is how one learns that `X` leads anywhere. The whole id next: PostHog's are
    # UUIDs whose first 12 characters need not be unique. Where `p`/`n` lead comes next to it,
    # so a narrow terminal cuts the release, not that.
    parts: list[Content] = []
    if event.links:
        other = "PostHog" if event.links.posthog_distinct_id else "Sentry"
        parts.append(Content.styled(f"⇄ in {other} (X)", "$text-accent"))
    parts += [
        Content.assemble(("event ", "$text-muted"), plain(event.id, "bold")),
        Content.styled("" if event.next_event_id else "latest", "$text-success"),
        Content.styled("" if event.previous_event_id else "oldest", "$text-secondary"),
        Content(f"{absolute_time(event.timestamp)}, {relative_time(event.timestamp, now)} ago"),
    ]
    if event.release:
        parts.append(Content.assemble(("release ", "$text-muted"), plain(event.release)))
    if event.environment:
        parts.append(Content.assemble(("env ", "$text-muted"), plain(event.environment)))
    return Content(" · ").join(part for part in parts if part)


def crash_summary(exc: ExceptionValue, frame: Frame | None, platform: str = "") -> Content:
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
        plain(jvm_function(frame, platform) or "?", "$text-accent"),
    )
    return head + "\n" + where


def breadcrumb_line(crumb: Breadcrumb) -> Content:
    """One breadcrumb as one row: time, category, level, message (cut at the edge).

    Rows listed oldest first, like a log, so the last is what happened just before the error.
    """
    when = crumb.timestamp.strftime("%H:%M:%S.%f")[:-3] if crumb.timestamp else ""
    category = sanitize(crumb.category or crumb.type)
    if len(category) > 18:
        category = category[:17] + "…"
    level_color = BREADCRUMB_LEVEL_COLOR.get(crumb.level, "")
    return Content.assemble(
        (f"{when:<12}  ", "$text-muted"),
        plain(f"{category:<18}  ", "$text-secondary"),
        plain(f"{sanitize(crumb.level):<7}  ", f"$text-{level_color}" if level_color else ""),
        plain(crumb.message or _data_summary(crumb.data)),
    )


def _data_summary(data: dict[str, Any]) -> str:
    if {"method", "url"} <= data.keys():
        status = data.get("status_code")
        return f"{data['method']} {data['url']}" + (f" [{status}]" if status else "")
    return " ".join(f"{key}={value}" for key, value in data.items())


@dataclass(frozen=True)
class Heading:
    title: str
    note: bool = False
    """A muted remark ("no tags") rather than a section title."""


@dataclass(frozen=True)
class Pair:
    key: str
    value: Any
    width: int
    """Key column width shared by the section, so its values line up."""
    link: bool = False
    """The value is a web address: drawn as an OSC 8 link."""


DetailRow = Heading | Pair | None
"""One row of the Tags & context tab; `None` is a blank separator."""


def detail_rows(event: Event) -> list[DetailRow]:
    """The server's processing errors, Sentry <-> PostHog links, grouping, tags, then
    contexts, user and request grouped under their names, one row each."""
    rows: list[DetailRow] = []
    if event.processing_errors:
        # Errors that name no frame (those that do sit on the frame, in the trace).
        pairs = [(str(n), error) for n, error in enumerate(event.processing_errors, 1)]
        rows += [*_section("server processing errors", pairs), None]
    if pairs := link_pairs(event.links):
        width = max(len(label) for label, _ in pairs)
        rows += [Heading(LINKS_TITLE)]
        rows += [Pair(label, value, width, link=is_address(label)) for label, value in pairs]
        rows.append(None)
    rows += _grouping_rows(event)
    if event.tags:
        rows += _section("tags", list(event.tags))
    else:
        rows.append(Heading("no tags", note=True))
    sections: list[tuple[str, dict[str, Any]]] = list(event.contexts.items())
    if event.user:
        sections.append(("user", event.user))
    if event.request:
        sections.append(("request", event.request))
    shown = 0
    for name, values in sections:
        pairs = [(key, value) for key, value in values.items() if key != "type" and value]
        if pairs:
            rows += [None, *_section(name, pairs)]
            shown += 1
    if not shown:
        rows += [None, Heading("no contexts", note=True)]
    if event.debug_images:
        rows += [None, *_section("debug images", [image_pair(i) for i in event.debug_images])]
    return rows


def _grouping_rows(event: Event) -> list[DetailRow]:
    pairs = grouping_pairs(event.grouping)
    if not pairs:
        return [Heading(GROUPING_TITLE), Heading(f"  {NOT_REPORTED}", note=True), None]
    return [*_section(GROUPING_TITLE, pairs), None]


def image_pair(image: DebugImage) -> tuple[str, str]:
    """(code file name, `debug id  start–end  arch  status`) for the context tab."""
    name = (image.code_file or image.debug_file).replace("\\", "/").rsplit("/", 1)[-1]
    span = ""
    if (start := address_value(image.image_addr)) is not None:
        end = f"{start + image.image_size:#x}" if image.image_size else "?"
        span = f"{sanitize(image.image_addr)}–{end}"
    # A source map image has no address and no status: its debug id is all there is to say.
    status = image.debug_status or ("no status from the server" if span else "")
    if image.unwind_status and image.unwind_status != image.debug_status:
        status += f", unwind {image.unwind_status}"
    if image.candidates is not None:
        status += f" ({image.candidates} places looked)"
    parts = [f"{image.debug_id or '-':<36}"]
    if span or image.arch:
        parts += [f"{span:<31}", f"{image.arch:<7}"]
    return name or image.type or "?", "  ".join([*parts, status]).rstrip()


def _section(title: str, pairs: list[tuple[str, Any]]) -> list[DetailRow]:
    width = min(24, max(len(sanitize(key)) for key, _ in pairs))
    return [Heading(title), *(Pair(key, value, width) for key, value in pairs)]


def detail_line(row: DetailRow) -> Content:
    if row is None:
        return Content("")
    if isinstance(row, Heading):
        return plain(row.title, "$text-muted italic" if row.note else "bold $text-accent")
    return Content.assemble(
        plain(f"  {sanitize(row.key):<{row.width}}", "$text-secondary"),
        "  ",
        permalink_line(row.value) if row.link else plain(_value(row.value)),
    )


def _value(value: Any) -> str:
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, default=str, ensure_ascii=False)
    except RecursionError:
        return "… nested too deep to show …"
    except (TypeError, ValueError):
        return repr(value)
