"""How a triage change went, per issue: a toast and a status line."""

from __future__ import annotations

from textual.content import Content

from tui.render.text import plain, sanitize
from tui.triage import ChangeRecord

SHOWN_RESULTS = 10
"""Issues named one by one in the toast; the status line carries the count."""


def change_report(record: ChangeRecord, what: str) -> tuple[str, Content]:
    """The toast text (sanitised: show it with markup off) and the status line for `record`."""
    results = record.results
    failed = [r for r in results if not r.ok]
    if not results:
        head = f"{what}: nothing to change"
    elif failed:
        head = f"{what}: {len(results) - len(failed)} of {len(results)} done, {len(failed)} failed"
    else:
        head = f"{what}: {len(results)} done"
    lines = [sanitize(r.summary) for r in results[:SHOWN_RESULTS]]
    if len(results) > SHOWN_RESULTS:
        lines.append(f"… and {len(results) - SHOWN_RESULTS} more")
    if not failed:
        return "\n".join([head, *lines]), plain(head)
    why = "; ".join(r.summary for r in failed)
    return "\n".join([head, *lines]), plain(f"{head} ({why})", "$text-error")
