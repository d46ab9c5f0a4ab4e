"""Triage (`tui.triage`) against a real Bugsink: bulk with per-issue results, undo, mute for a
period and until N events, comments, and what Bugsink's API lacks."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from bugsink_server import Project
from sdk_events import send_python_error

from tui import triage
from tui.backends.bugsink import BugsinkBackend
from tui.backends.errors import Unsupported
from tui.model import Feature, IgnoreUntil, Issue, IssueQuery, StatusAction, StatusChange

pytestmark = pytest.mark.e2e

RESOLVE = StatusChange(StatusAction.RESOLVE)


async def server_issue(api: httpx.AsyncClient, issue_id: str) -> dict[str, Any]:
    return (await api.get(f"/issues/{issue_id}/")).raise_for_status().json()


async def issues(backend: BugsinkBackend, project: Project, *kinds: str) -> list[Issue]:
    for kind in kinds:
        send_python_error(project.dsn, kind)
    page = await backend.list_issues(IssueQuery(query=""))
    assert len(page.issues) == len(kinds)
    return sorted(page.issues, key=lambda i: i.short_id)


async def test_bulk_resolve_reports_each_issue_and_undo_restores_them(
    backend: BugsinkBackend, project: Project, server_api: httpx.AsyncClient
) -> None:
    found = await issues(backend, project, "alpha", "beta", "gamma")
    await backend.apply(found[2].id, StatusChange(StatusAction.IGNORE))  # muted before
    named = [i.short_id for i in found] + [f"{project.slug.upper()}-99"]

    record = await triage.apply_change(backend, named, RESOLVE)

    assert [r.ok for r in record.results] == [True, True, True, False]
    assert record.results[3].missing and record.failed == (named[3],)
    states = [await server_issue(server_api, i.id) for i in found]
    assert [s["is_resolved"] for s in states] == [True, True, True]

    undone = await triage.undo(backend, record)
    assert [r.summary for r in undone.results] == [
        f"{found[0].short_id}: unresolved",
        f"{found[1].short_id}: unresolved",
        f"{found[2].short_id}: ignored (muted)",
    ]
    states = [await server_issue(server_api, i.id) for i in found]
    assert [(s["is_resolved"], s["is_muted"]) for s in states] == [
        (False, False),
        (False, False),
        (False, True),
    ]


async def test_undo_refuses_an_issue_reopened_elsewhere(
    backend: BugsinkBackend, project: Project, server_api: httpx.AsyncClient
) -> None:
    found = await issues(backend, project, "alpha", "beta")
    record = await triage.apply_change(backend, [i.id for i in found], RESOLVE)
    assert record.ok
    (await server_api.post(f"/issues/{found[0].id}/reopen/")).raise_for_status()
    (await server_api.post(f"/issues/{found[0].id}/mute/")).raise_for_status()

    undone = await triage.undo(backend, record)

    refused, restored = undone.results
    assert refused.error.startswith("changed since: now ignored (muted)")
    assert restored.ok
    first, second = [await server_issue(server_api, i.id) for i in found]
    assert (first["is_muted"], second["is_resolved"]) == (True, False)


@pytest.mark.parametrize(
    "until", [IgnoreUntil(minutes=120), IgnoreUntil(events=10, events_window=60)]
)
async def test_mute_with_a_condition(
    backend: BugsinkBackend,
    project: Project,
    server_api: httpx.AsyncClient,
    until: IgnoreUntil,
) -> None:
    [issue] = await issues(backend, project, "alpha")
    change = StatusChange(StatusAction.IGNORE, until=until)
    record = await triage.apply_change(backend, [issue.short_id], change)
    assert record.ok and record.results[0].summary == f"{issue.short_id}: ignored (muted)"
    assert (await server_issue(server_api, issue.id))["is_muted"] is True


async def test_comment_is_stored_and_history_is_not_readable(
    backend: BugsinkBackend, project: Project
) -> None:
    [issue] = await issues(backend, project, "alpha")
    note = await triage.add_comment(backend, issue.short_id, "looking into it [bold]")
    assert (note.kind, note.text) == ("comment", "looking into it [bold]")
    assert note.when is not None
    with pytest.raises(Unsupported, match="cannot read comments"):
        await triage.issue_activity(backend, issue.short_id)
    assert not backend.capabilities.supports(Feature.ASSIGN)
