"""The triage engine (`tui.triage`) on Sentry and GlitchTip: explicit ids, per-issue results,
undo, conditional ignore, releases, assignment, activity and comments.

Sentry runs against the in-memory demo server (recorded issues, Sentry's paths and shapes); its
request log shows exactly what was sent.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from tests.conftest import FIXTURES
from tui import triage
from tui.backends.errors import NotFound, Unsupported
from tui.backends.sentry import SentryBackend
from tui.demo.server import DEMO_ORG, DEMO_URL, DemoSentryServer
from tui.model import (
    AssignChange,
    Assignee,
    Feature,
    IgnoreUntil,
    IssueStatus,
    StatusAction,
    StatusChange,
)

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
ISSUES_PATH = f"/api/0/organizations/{DEMO_ORG}/issues/"
RESOLVE = StatusChange(StatusAction.RESOLVE)


def serve() -> tuple[DemoSentryServer, SentryBackend]:
    server = DemoSentryServer.from_package(now=NOW)
    backend = SentryBackend.connect(DEMO_URL, "t", DEMO_ORG, transport=server.transport())
    return server, backend


def short_ids(server: DemoSentryServer, count: int) -> list[str]:
    return sorted(i["shortId"] for i in server.issues.values())[:count]


def writes(server: DemoSentryServer) -> list[tuple[str, str, Any]]:
    """`(path, query, body)` of every PUT and POST, in order."""
    return [
        (r.url.path, r.url.query.decode(), json.loads(r.content))
        for r in server.requests
        if r.method in ("PUT", "POST")
    ]


def id_of(server: DemoSentryServer, short_id: str) -> str:
    return next(k for k, i in server.issues.items() if i["shortId"] == short_id)


async def test_bulk_resolve_names_every_issue_and_reports_each() -> None:
    server, backend = serve()
    named = short_ids(server, 3)
    record = await triage.apply_change(backend, named, RESOLVE)
    ids = [id_of(server, s) for s in named]
    assert writes(server) == [
        (ISSUES_PATH, "&".join(f"id={i}" for i in ids), {"status": "resolved"})
    ]
    assert [r.issue_id for r in record.results] == named
    assert all(r.ok and r.after and r.after.status is IssueStatus.RESOLVED for r in record.results)
    assert [r.before.status for r in record.results if r.before] == [IssueStatus.UNRESOLVED] * 3
    assert [server.issues[i]["status"] for i in ids] == ["resolved"] * 3


async def test_one_unknown_issue_fails_alone_and_is_not_in_the_write() -> None:
    server, backend = serve()
    good = short_ids(server, 2)
    record = await triage.apply_change(backend, [good[0], "NOPE-1", good[1]], RESOLVE)
    assert [r.ok for r in record.results] == [True, False, True]
    assert record.failed == ("NOPE-1",)
    assert record.results[1].missing and record.results[1].summary == "no issue NOPE-1"
    [(_, query, _)] = writes(server)
    assert query == "&".join(f"id={id_of(server, s)}" for s in good)


async def test_a_bulk_write_in_doubt_reports_each_issue_by_its_read_back() -> None:
    server, backend = serve()
    named = short_ids(server, 2)
    first = id_of(server, named[0])

    async def gateway_error(request: httpx.Request) -> httpx.Response:
        if request.method == "PUT":  # the server applied it to one issue, then failed
            server.issues[first]["status"] = "resolved"
            return httpx.Response(502, text="Bad Gateway")
        return await server.handle(request)

    backend = SentryBackend.connect(
        DEMO_URL, "t", DEMO_ORG, transport=httpx.MockTransport(gateway_error)
    )
    record = await triage.apply_change(backend, named, RESOLVE)
    assert [r.ok for r in record.results] == [True, False]
    assert record.failed == (named[1],)
    assert "502" in record.results[1].error


async def test_undo_after_bulk_restores_what_each_issue_had() -> None:
    server, backend = serve()
    named = short_ids(server, 2)
    await triage.apply_change(backend, [named[1]], StatusChange(StatusAction.IGNORE))
    record = await triage.apply_change(backend, named, RESOLVE)
    server.requests.clear()
    undone = await triage.undo(backend, record)
    assert [r.ok for r in undone.results] == [True, True]
    assert [r.summary for r in undone.results] == [
        f"{named[0]}: unresolved",
        f"{named[1]}: ignored (archived_until_escalating)",
    ]
    assert [body for _, _, body in writes(server)] == [
        {"status": "unresolved"},
        {"status": "ignored", "substatus": "archived_until_escalating"},
    ]


async def test_undo_refuses_an_issue_changed_elsewhere_and_restores_the_rest() -> None:
    server, backend = serve()
    named = short_ids(server, 2)
    record = await triage.apply_change(backend, named, RESOLVE)
    changed = server.issues[id_of(server, named[0])]
    changed.update(status="ignored", substatus="archived_forever")  # someone else, meanwhile
    server.issues[id_of(server, named[1])]["lastSeen"] = "2026-11-20T12:00:00Z"  # a new event
    server.requests.clear()
    undone = await triage.undo(backend, record)
    refused, restored = undone.results
    assert not refused.ok
    assert refused.error == (
        "changed since: now ignored (archived_forever) (the change left it resolved)"
    )
    assert changed["status"] == "ignored"
    assert restored.ok and server.issues[id_of(server, named[1])]["status"] == "unresolved"
    assert [path for path, _, _ in writes(server)] == [f"{ISSUES_PATH}{id_of(server, named[1])}/"]


async def test_undo_skips_issues_the_change_did_not_move() -> None:
    server, backend = serve()
    named = short_ids(server, 1)
    await triage.apply_change(backend, named, RESOLVE)
    again = await triage.apply_change(backend, named, RESOLVE)
    assert (await triage.undo(backend, again)).results == ()


@pytest.mark.parametrize(
    ("change", "body"),
    [
        (
            StatusChange(StatusAction.IGNORE, until=IgnoreUntil(minutes=120)),
            {
                "status": "ignored",
                "substatus": "archived_until_condition_met",
                "statusDetails": {"ignoreDuration": 120},
            },
        ),
        (
            StatusChange(StatusAction.IGNORE, until=IgnoreUntil(events=10, events_window=60)),
            {
                "status": "ignored",
                "substatus": "archived_until_condition_met",
                "statusDetails": {"ignoreCount": 10, "ignoreWindow": 60},
            },
        ),
        (
            StatusChange(StatusAction.IGNORE, until=IgnoreUntil(users=5)),
            {
                "status": "ignored",
                "substatus": "archived_until_condition_met",
                "statusDetails": {"ignoreUserCount": 5},
            },
        ),
        (
            StatusChange(StatusAction.IGNORE, until=IgnoreUntil(escalating=True)),
            {"status": "ignored", "substatus": "archived_until_escalating"},
        ),
        (
            StatusChange(StatusAction.RESOLVE_NEXT_RELEASE),
            {"status": "resolved", "statusDetails": {"inNextRelease": True}},
        ),
        (
            StatusChange(StatusAction.RESOLVE, release="shop@1.4.2"),
            {"status": "resolved", "statusDetails": {"inRelease": "shop@1.4.2"}},
        ),
    ],
)
async def test_conditional_ignore_and_release_bodies(change: Any, body: dict[str, Any]) -> None:
    server, backend = serve()
    named = short_ids(server, 1)
    record = await triage.apply_change(backend, named, change)
    assert [b for _, _, b in writes(server)] == [body]
    assert record.ok


async def test_an_ignore_condition_read_back_is_restored_by_undo() -> None:
    server, backend = serve()
    named = short_ids(server, 1)
    until = IgnoreUntil(events=10, events_window=60)
    await triage.apply_change(backend, named, StatusChange(StatusAction.IGNORE, until=until))
    record = await triage.apply_change(backend, named, RESOLVE)
    assert record.results[0].before and record.results[0].before.ignore_until == until
    server.requests.clear()
    await triage.undo(backend, record)
    assert [b for _, _, b in writes(server)][0]["statusDetails"] == {
        "ignoreCount": 10,
        "ignoreWindow": 60,
    }


async def test_an_ignore_for_a_time_reads_back_as_its_end_and_undo_ignores_for_what_is_left() -> (
    None
):
    server, backend = serve()
    named = short_ids(server, 1)
    sent = datetime.now(UTC)
    ignored = await triage.apply_change(
        backend, named, StatusChange(StatusAction.IGNORE, until=IgnoreUntil(minutes=120))
    )
    until = ignored.results[0].after.ignore_until if ignored.results[0].after else None
    assert until is not None and until.minutes is None and until.until is not None
    assert 119 * 60 <= (until.until - sent).total_seconds() <= 121 * 60
    assert f"until {until.until:%Y-%m-%d %H:%M} UTC" in triage.state_words(
        ignored.results[0].after  # type: ignore[arg-type]
    )
    record = await triage.apply_change(backend, named, RESOLVE)
    server.requests.clear()
    await triage.undo(backend, record)
    assert [b for _, _, b in writes(server)][0]["statusDetails"]["ignoreDuration"] in (119, 120)


async def test_assign_unassign_and_undo_an_assignment() -> None:
    server, backend = serve()
    named = short_ids(server, 2)
    grace = await triage.find_assignee(backend, "grace")
    assert grace == Assignee("user", "2", "Grace Hopper", "grace@shop.example")
    record = await triage.apply_change(backend, named, AssignChange(grace))
    assert record.ok and all(r.after and r.after.assignee == grace for r in record.results)
    team = await triage.find_assignee(backend, "team:checkout")
    await triage.apply_change(backend, named[:1], AssignChange(team))
    undone = await triage.undo(backend, record)
    assert [r.ok for r in undone.results] == [False, True]  # the first was reassigned since
    assert "assigned to team:checkout" in undone.results[0].error
    unassigned = await triage.apply_change(backend, named[:1], AssignChange(None))
    assert [b for _, _, b in writes(server)] == [
        {"assignedTo": "user:2"},
        {"assignedTo": "team:11"},
        {"assignedTo": ""},  # the undo, of the second only
        {"assignedTo": ""},
    ]
    assert unassigned.ok and server.issues[id_of(server, named[0])]["assignedTo"] is None


async def test_assignee_choices_put_the_token_user_first() -> None:
    _, backend = serve()
    choices = await triage.assignee_choices(backend)
    assert [a.label for a in choices] == [
        "Ada Lovelace",
        "Grace Hopper",
        "Linus Ops",
        "team:checkout",
        "team:platform",
    ]
    assert await triage.find_assignee(backend, "me") == choices[0]
    assert await triage.find_assignee(backend, "NONE") is None
    with pytest.raises(NotFound, match="no user 'nobody'"):
        await triage.find_assignee(backend, "nobody")


async def test_comment_then_activity_shows_it_newest_first() -> None:
    server, backend = serve()
    [named] = short_ids(server, 1)
    note = await triage.add_comment(backend, named, "looking into it")
    assert (note.kind, note.text, note.author) == ("note", "looking into it", "Ada Lovelace")
    assert writes(server)[-1][2] == {"text": "looking into it"}
    await triage.apply_change(backend, [named], RESOLVE)
    history = await triage.issue_activity(backend, named)
    kinds = [(a.kind, a.text) for a in history]
    # Newest first: the resolve, the comment, then the issue's earlier history to its start.
    assert kinds[:2] == [("set_resolved", ""), ("note", "looking into it")]
    assert kinds[-1] == ("first_seen", "")


GLITCHTIP_COMMENT = {
    "id": 4,
    "data": {"text": "seen in prod"},
    "type": "note",
    "dateCreated": "2026-11-20T11:00:00Z",
    "user": {"id": "1", "email": "ada@shop.example"},
}


def glitchtip() -> tuple[list[httpx.Request], SentryBackend]:
    """GlitchTip's routes for issue 3, its projects and its comments (shapes from its schema)."""
    sent: list[httpx.Request] = []
    routes = {
        "GET /api/0/organizations/acme/projects/": "org_projects.json",
        "GET /api/0/issues/3/": "issue3_detail.json",
    }

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        key = f"{request.method} {request.url.path}"
        if key in routes:
            return httpx.Response(200, content=(FIXTURES / "glitchtip" / routes[key]).read_bytes())
        if key == "GET /api/0/issues/3/comments/":
            return httpx.Response(200, json=[GLITCHTIP_COMMENT])
        if key == "POST /api/0/issues/3/comments/":
            return httpx.Response(201, json=GLITCHTIP_COMMENT)
        return httpx.Response(404, json={"detail": "Not Found"})

    transport = httpx.MockTransport(answer)
    backend = SentryBackend.connect(
        "https://gt.example", "t", "acme", dialect="glitchtip", transport=transport
    )
    return sent, backend


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (StatusChange(StatusAction.IGNORE, until=IgnoreUntil(minutes=5)), "without a condition"),
        (StatusChange(StatusAction.RESOLVE_NEXT_RELEASE), "without a release"),
        (AssignChange(None), "GlitchTip issues have no assignee"),
    ],
)
async def test_glitchtip_refuses_what_it_cannot_do_before_any_request(
    change: Any, reason: str
) -> None:
    sent, backend = glitchtip()
    with pytest.raises(Unsupported, match=reason):
        await triage.apply_change(backend, ["3"], change)
    with pytest.raises(Unsupported, match=reason):
        await backend.apply("3", change)
    assert sent == []


async def test_glitchtip_comments_are_its_activity() -> None:
    sent, backend = glitchtip()
    history = await triage.issue_activity(backend, "3")
    assert [(a.kind, a.text, a.author) for a in history] == [
        ("note", "seen in prod", "ada@shop.example")
    ]
    note = await triage.add_comment(backend, "3", "seen in prod")
    assert note.text == "seen in prod"
    posted = [json.loads(r.content) for r in sent if r.method == "POST"]
    assert posted == [{"data": {"text": "seen in prod"}}]
    assert not backend.capabilities.supports(Feature.ASSIGN)


def test_require_writable_refuses_a_read_only_profile() -> None:
    with pytest.raises(triage.ReadOnlyProfile, match="'prod' is read-only"):
        triage.require_writable(SimpleNamespace(name="prod", read_only=True))
    triage.require_writable(SimpleNamespace(name="dev"))  # no field yet: writable
