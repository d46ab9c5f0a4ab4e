"""Triage on PostHog through `tui.triage`: bulk by ids, assignment to users and roles, undo,
activity, and the capabilities it lacks (conditions, releases, comments)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_posthog_backend import by_name, serve
from tui import triage
from tui.backends.errors import Unsupported
from tui.model import AssignChange, Assignee, IgnoreUntil, StatusAction, StatusChange


def names(server: Any, *kinds: str) -> list[str]:
    return [by_name(server, k)["id"] for k in kinds]


async def test_bulk_suppress_names_the_ids_and_undo_restores_each() -> None:
    server, backend = serve()
    ids = names(server, "ValueError", "KeyError")  # active, resolved
    record = await triage.apply_change(backend, ids, StatusChange(StatusAction.IGNORE))
    assert server.bodies("/error_tracking/issues/bulk/") == [
        {"ids": ids, "action": "set_status", "status": "suppressed"}
    ]
    assert record.ok and [r.after.raw_status for r in record.results if r.after] == [
        "suppressed",
        "suppressed",
    ]
    undone = await triage.undo(backend, record)
    assert undone.ok
    assert [server.issues[i]["status"] for i in ids] == ["active", "resolved"]
    assert [b for b in server.bodies(f"/error_tracking/issues/{ids[0]}/")] == [{"status": "active"}]


async def test_assign_to_a_user_and_a_role_with_exact_bodies() -> None:
    server, backend = serve()
    ids = names(server, "ValueError", "TypeError")
    grace = await triage.find_assignee(backend, "grace@shop.example")
    assert grace == Assignee("user", "2", "Grace Hopper", "grace@shop.example")
    record = await triage.apply_change(backend, ids, AssignChange(grace))
    assert server.bodies("/error_tracking/issues/bulk/") == [
        {"ids": ids, "action": "assign", "assignee": {"type": "user", "id": 2}}
    ]
    assert all(r.after and r.after.assignee == grace for r in record.results)
    role = await triage.find_assignee(backend, "role:Support")
    await triage.apply_change(backend, ids[:1], AssignChange(role))
    assert server.bodies(f"/error_tracking/issues/{ids[0]}/assign/") == [
        {"assignee": {"type": "role", "id": role.id if role else ""}}
    ]
    undone = await triage.undo(backend, record)
    assert [r.ok for r in undone.results] == [False, True]
    assert server.issues[ids[1]]["assignee"] is None


async def test_activity_lists_the_changes_made() -> None:
    server, backend = serve()
    [issue_id] = names(server, "ValueError")
    await triage.apply_change(backend, [issue_id], StatusChange(StatusAction.RESOLVE))
    history = await triage.issue_activity(backend, issue_id)
    assert [(a.kind, a.text, a.author) for a in history] == [
        ("updated", "status: active -> resolved", "Ada")
    ]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (StatusChange(StatusAction.IGNORE, until=IgnoreUntil(minutes=60)), "without a condition"),
        (StatusChange(StatusAction.RESOLVE_NEXT_RELEASE), "without a release"),
        (StatusChange(StatusAction.RESOLVE, release="1.0"), "without a release"),
    ],
)
async def test_what_posthog_cannot_do_is_refused_before_any_write(change: Any, reason: str) -> None:
    server, backend = serve()
    [issue_id] = names(server, "KeyError")
    with pytest.raises(Unsupported, match=reason):
        await triage.apply_change(backend, [issue_id], change)
    with pytest.raises(Unsupported, match=reason):
        await backend.apply(issue_id, change)
    assert [r for r in server.requests if r.method == "PATCH"] == []


async def test_comments_are_refused_with_the_reason() -> None:
    server, backend = serve()
    with pytest.raises(Unsupported, match="takes no comments"):
        await triage.add_comment(backend, names(server, "KeyError")[0], "hi")
