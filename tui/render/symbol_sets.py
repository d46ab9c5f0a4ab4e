"""A profile's symbol sets as rows: cached, on the server, missing (the `S` screen and
`stackdeck symbols list`). Every string from disk or a server is sanitised here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from tui.model import ServerSymbolSet, SymbolSetStatus
from tui.sanitize import sanitize
from tui.symbol_sets import SymbolOverview
from tui.symbols.cache import CacheEntry
from tui.symbols.missing import MissingMap
from tui.words import counted

Item = CacheEntry | ServerSymbolSet | MissingMap


@dataclass(frozen=True)
class Row:
    text: str
    """Plain, sanitised: one line."""
    kind: str = ""
    """`heading`, `note`, `failed`, `detail` or "" (an item's own line)."""
    item: Item | None = None
    """What the row is about: the screen's `a`/`U` act on the selected row's item."""


def overview_rows(overview: SymbolOverview) -> list[Row]:
    return [*_cached(overview.cached), *_server(overview), *_missing(overview.missing)]


def overview_lines(overview: SymbolOverview) -> list[str]:
    """The plain-text form `symbols list` prints."""
    return [row.text for row in overview_rows(overview)]


def _cached(entries: tuple[CacheEntry, ...]) -> list[Row]:
    total = sum(e.size for e in entries)
    rows = [Row(f"Cached here ({counted(len(entries), 'map')}, {_size(total)})", "heading")]
    for entry in entries:
        keys = ", ".join(entry.keys) or "no keys"
        text = (
            f"  {entry.digest[:12]}  {_size(entry.size):>7}  used {_when(entry.last_used)}  {keys}"
        )
        rows.append(Row(sanitize(text), item=entry))
        if entry.origin:
            rows.append(Row(sanitize(f"      from {entry.origin}"), "detail", entry))
    if not entries:
        rows.append(Row("  the symbol cache is empty", "note"))
    return rows


def _server(overview: SymbolOverview) -> list[Row]:
    server = overview.server
    sets = server.listed.sets
    rows = [Row("", "note"), Row(f"On the server ({counted(len(sets), 'set')})", "heading")]
    if server.unavailable:
        return [*rows, Row(sanitize(f"  {server.unavailable}"), "note")]
    for found in sets:
        rows.extend(_server_set(found))
    if server.listed.truncated:
        rows.append(Row(f"  … the server has more; the newest {len(sets)} are listed", "note"))
    if not sets:
        rows.append(Row("  the server lists no symbol sets", "note"))
    return rows


def _server_set(found: ServerSymbolSet) -> list[Row]:
    parts = [f"  {found.status.value.upper():<8}{found.ref}"]
    if found.project:
        parts.append(f"project {found.project}")
    parts.append(f"created {_when(found.created_at)}")
    if found.last_used:  # PostHog's null (never used) and Sentry's bundles say nothing
        parts.append(f"last used {_when(found.last_used)}")
    if found.release:
        parts.append(f"release {found.release}")
    if found.files is not None:
        parts.append(f"{found.files} files")
    failed = found.status is SymbolSetStatus.FAILED
    rows = [Row(sanitize("  ".join(parts)), "failed" if failed else "", found)]
    if found.failure_reason:
        rows.append(Row(sanitize(f"      {found.failure_reason}"), "failed", found))
    return rows


def _missing(missing: tuple[MissingMap, ...]) -> list[Row]:
    heading = f"Missing ({counted(len(missing), 'map')} that frames needed and did not get)"
    rows = [Row("", "note"), Row(heading, "heading")]
    for entry in missing:
        when = f"first needed {_when(entry.first_needed)}, last {_when(entry.last_needed)}"
        rows.append(Row(sanitize(f"  {entry.key}  {when}"), item=entry))
        for frame in entry.frames:
            name = f" in {frame.function}" if frame.function else ""
            seen = ", ".join(
                w for w in (frame.issue, f"event {frame.event}" if frame.event else "") if w
            )
            text = f"      needed by {frame.location}{name}" + (f" ({seen})" if seen else "")
            rows.append(Row(sanitize(text), "detail", entry))
        for attempt in entry.looked:
            rows.append(Row(sanitize(f"      looked in {attempt.describe()}"), "detail", entry))
    if not missing:
        rows.append(Row("  no frame viewed has needed a map it did not get", "note"))
    return rows


def _when(moment: datetime | float | None) -> str:
    if moment is None:
        return "never"
    if isinstance(moment, float | int):
        moment = datetime.fromtimestamp(moment, UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M")


def _size(size: int) -> str:
    """`812B`, `95.3K`, `5.4M`: a small map is not `0.0M`."""
    if size < 1 << 10:
        return f"{size}B"
    if size < 1 << 20:
        return f"{size / (1 << 10):.1f}K"
    return f"{size / (1 << 20):.1f}M"
