"""Triage on Bugsink through `tui.triage`, against recorded payloads: mute for a period or until
N events, several issues one by one with per-issue results, comments, and what it lacks."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.test_bugsink_backend import ISSUE_UUID, backend_for, issue, load, with_projects
from tui import triage
from tui.backends.errors import Unsupported
from tui.model import AssignChange, Feature, IgnoreUntil, StatusAction, StatusChange

MUTED = {**load("issue_mute_for_response.json"), "id": ISSUE_UUID}


def bodies(fake: Any) -> list[tuple[str, Any]]:
    return [
        (r.url.path.rsplit("/", 2)[-2], json.loads(r.content) if r.content else None)
        for r in fake.requests
        if r.method == "POST"
    ]


@pytest.mark.parametrize(
    ("until", "verb", "body"),
    [
        (IgnoreUntil(minutes=120), "mute-for", {"period_name": "hour", "nr_of_periods": 2}),
        (IgnoreUntil(minutes=3 * 1440), "mute-for", {"period_name": "day", "nr_of_periods": 3}),
        (IgnoreUntil(minutes=90), "mute-for", {"period_name": "minute", "nr_of_periods": 90}),
        (
            IgnoreUntil(events=10, events_window=60),
            "mute-until",
            {"gte_threshold": 10, "period_name": "hour", "nr_of_periods": 1},
        ),
        (
            IgnoreUntil(events=5),
            "mute-until",
            {"gte_threshold": 5, "period_name": "day", "nr_of_periods": 1},
        ),
    ],
)
async def test_mute_with_a_condition_posts_bugsinks_body(
    until: IgnoreUntil, verb: str, body: dict[str, Any]
) -> None:
    fake = with_projects(
        {
            "GET /issues/PYAPP-1/": httpx.Response(200, json=issue()),
            f"GET /issues/{ISSUE_UUID}/": httpx.Response(200, json=issue()),
            f"POST /issues/{ISSUE_UUID}/{verb}/": httpx.Response(200, json=MUTED),
        }
    )
    change = StatusChange(StatusAction.IGNORE, until=until)
    record = await triage.apply_change(backend_for(fake), ["PYAPP-1"], change)
    assert bodies(fake) == [(verb, body)]
    assert record.ok and record.results[0].summary == "PYAPP-10: ignored (muted)"


async def test_several_issues_one_by_one_with_one_failure() -> None:
    other = "0b7c3f4e-1d1e-4a5b-9c3d-2e6f7a8b9c0d"
    fake = with_projects(
        {
            "GET /issues/PYAPP-1/": httpx.Response(200, json=issue()),
            "GET /issues/PYAPP-2/": httpx.Response(
                200, json=issue(id=other, friendly_id="PYAPP-2")
            ),
            "GET /issues/PYAPP-3/": httpx.Response(404, json={"detail": "Not found."}),
            f"GET /issues/{ISSUE_UUID}/": httpx.Response(200, json=issue()),
            f"GET /issues/{other}/": httpx.Response(200, json=issue(id=other)),
            f"POST /issues/{ISSUE_UUID}/resolve/": httpx.Response(
                200, json=issue(is_resolved=True)
            ),
            f"POST /issues/{other}/resolve/": httpx.Response(403, json={"detail": "no triage"}),
        }
    )
    change = StatusChange(StatusAction.RESOLVE)
    record = await triage.apply_change(backend_for(fake), ["PYAPP-1", "PYAPP-2", "PYAPP-3"], change)
    assert [r.ok for r in record.results] == [True, False, False]
    assert record.failed == ("PYAPP-2", "PYAPP-3")
    assert "no triage" in record.results[1].error and record.results[2].missing
    assert [verb for verb, _ in bodies(fake)] == ["resolve", "resolve"]


async def test_comment_posts_the_issue_and_text() -> None:
    stored = {
        "id": 7,
        "issue": ISSUE_UUID,
        "project": 1,
        "timestamp": "2026-11-21T21:50:00Z",
        "comment": "on it",
        "user": None,
    }
    fake = with_projects(
        {
            "GET /issues/PYAPP-1/": httpx.Response(200, json=issue()),
            "POST /issue-comments/": httpx.Response(201, json=stored),
        }
    )
    note = await triage.add_comment(backend_for(fake), "PYAPP-1", "on it")
    assert bodies(fake) == [("issue-comments", {"issue": ISSUE_UUID, "comment": "on it"})]
    assert (note.kind, note.text) == ("comment", "on it")


@pytest.mark.parametrize(
    ("feature", "words"),
    [
        (Feature.ASSIGN, "no assignee"),
        (Feature.ACTIVITY, "cannot read comments"),
        (Feature.IGNORE_UNTIL_USERS, "not users"),
        (Feature.IGNORE_UNTIL_ESCALATING, "no escalation"),
        (Feature.RESOLVE_IN_RELEASE, "not a named one"),
    ],
)
async def test_what_bugsink_lacks_is_refused_with_the_reason(feature: Feature, words: str) -> None:
    fake = with_projects({})
    backend = backend_for(fake)
    assert words in backend.capabilities.why_not(feature)
    with pytest.raises(Unsupported, match=words):
        triage.require(backend, feature)
    assert fake.requests == []


async def test_assignment_and_activity_are_refused_before_any_request() -> None:
    fake = with_projects({})
    backend = backend_for(fake)
    with pytest.raises(Unsupported, match="no assignee"):
        await triage.apply_change(backend, ["PYAPP-1"], AssignChange(None))
    with pytest.raises(Unsupported, match="cannot read"):
        await triage.issue_activity(backend, "PYAPP-1")
    assert fake.requests == []
