"""PostHogBackend against the in-memory PostHog API (tui/demo/posthog_server.py), which serves
events recorded from the real posthog SDKs and rejects fields PostHog does not know."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tui.backends import open_backend
from tui.backends.errors import AuthError, NotFound, ServerError, Unsupported
from tui.backends.posthog import OLD_SERVER, PostHogBackend
from tui.cli import main
from tui.config import Profile
from tui.demo import demo_config, open_demo_backend
from tui.demo.posthog_data import load_demo_data
from tui.demo.posthog_server import (
    DEMO_POSTHOG_URL,
    DEMO_PROJECT,
    PERSONAL_KEY_REFUSED,
    STORAGE_URL,
    DemoPostHogServer,
)
from tui.model import IssueQuery, IssueStatus, StatusAction, StatusChange
from tui.symbols import SymbolCache, Symbolicator
from tui.symbols.sources import LookupFailed

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
API = f"/api/projects/{DEMO_PROJECT}"
ET_QUERY_KEYS = {"kind", "dateRange", "orderBy", "orderDirection", "status", "volumeResolution",
                 "limit", "offset"}  # fmt: skip
EV_QUERY_KEYS = {"kind", "event", "select", "where", "orderBy", "after", "limit"}


def serve(**options: Any) -> tuple[DemoPostHogServer, PostHogBackend]:
    server = DemoPostHogServer.from_package(now=NOW, **options)
    backend = PostHogBackend.connect(
        DEMO_POSTHOG_URL, "phx_test", DEMO_PROJECT, transport=server.transport()
    )
    return server, backend


def queries(server: DemoPostHogServer, kind: str) -> list[dict[str, Any]]:
    return [b["query"] for b in server.bodies("/query/") if b["query"]["kind"] == kind]


def by_name(server: DemoPostHogServer, name: str, value: str = "") -> dict[str, Any]:
    """The issue whose exception type is `name` (and whose message contains `value`)."""
    issues = server.issues.values()
    return next(i for i in issues if i["name"] == name and value in i["description"])


def paths(server: DemoPostHogServer) -> list[str]:
    return [f"{r.method} {r.url.path}" for r in server.requests]


ALL = IssueQuery(query="", limit=100)


# Issue list


async def test_list_sends_exactly_the_documented_error_tracking_query() -> None:
    server, backend = serve()
    page = await backend.list_issues(IssueQuery())
    assert queries(server, "ErrorTrackingQuery") == [
        {
            "kind": "ErrorTrackingQuery",
            "dateRange": {"date_from": "-14d"},
            "orderBy": "last_seen",
            "orderDirection": "DESC",
            "status": "active",
            "volumeResolution": 20,
            "limit": 50,
            "offset": 0,
        }
    ]
    active = {i["id"] for i in server.issues.values() if i["status"] == "active"}
    assert {i.id for i in page.issues} == active
    assert all(i.status is IssueStatus.UNRESOLVED for i in page.issues)
    assert page.next_cursor is None


async def test_list_maps_counts_and_newest_first() -> None:
    server, backend = serve()
    issues = (await backend.list_issues(ALL)).issues
    card = next(i for i in issues if i.type == "ValueError")
    recorded = [e for e in server.events if e["properties"]["$exception_issue_id"] == card.id]
    assert card.count == len(recorded) == 3
    assert card.user_count == len({e["distinct_id"] for e in recorded})
    assert card.culprit == "billing_app/services/billing.py in charge"
    assert card.platform == "python" and card.project == DEMO_PROJECT
    assert [i.last_seen for i in issues] == sorted((i.last_seen for i in issues), reverse=True)


async def test_paging_by_offset_until_has_more_is_false() -> None:
    server, backend = serve()
    query = IssueQuery(query="", limit=4)
    seen, cursor, pages = [], None, 0
    while True:
        page = await backend.list_issues(query, cursor)
        seen += [i.id for i in page.issues]
        pages += 1
        cursor = page.next_cursor
        if cursor is None:
            break
    assert pages == 3 and len(seen) == len(set(seen)) == len(server.issues)
    assert [q["offset"] for q in queries(server, "ErrorTrackingQuery")] == [0, 4, 8]


@pytest.mark.parametrize(
    ("search", "status", "search_query"),
    [
        ("is:unresolved", "active", None),
        ("is:resolved", "resolved", None),
        ("is:ignored", "suppressed", None),
        ("", "all", None),
        ("is:resolved is:ignored", "all", None),
        ("is:unresolved card declined", "active", "card declined"),
    ],
)
async def test_search_becomes_status_and_search_query(
    search: str, status: str, search_query: str | None
) -> None:
    server, backend = serve()
    await backend.list_issues(IssueQuery(query=search))
    sent = queries(server, "ErrorTrackingQuery")[0]
    assert sent["status"] == status
    assert sent.get("searchQuery") == search_query
    assert set(sent) == ET_QUERY_KEYS | ({"searchQuery"} if search_query else set())


async def test_several_statuses_are_filtered_on_the_client() -> None:
    _, backend = serve()
    issues = (await backend.list_issues(IssueQuery(query="is:resolved is:ignored"))).issues
    assert {i.raw_status for i in issues} == {"resolved", "pending_release", "suppressed"}
    assert all(i.status is not IssueStatus.UNRESOLVED for i in issues)


async def test_free_text_search_is_done_by_the_server() -> None:
    _, backend = serve()
    issues = (await backend.list_issues(IssueQuery(query="cart.js"))).issues
    assert [i.type for i in issues] == ["TypeError"] and issues[0].platform == "javascript"


@pytest.mark.parametrize(
    ("sort", "order_by"),
    [("date", "last_seen"), ("new", "first_seen"), ("freq", "occurrences"), ("user", "users"),
     ("sessions", "sessions"), ("occurrences", "occurrences"), ("trends", "last_seen")],
)  # fmt: skip
async def test_sort_names_map_to_order_by(sort: str, order_by: str) -> None:
    server, backend = serve()
    issues = (await backend.list_issues(IssueQuery(query="", sort=sort))).issues
    assert queries(server, "ErrorTrackingQuery")[0]["orderBy"] == order_by
    if order_by == "occurrences":
        assert [i.count for i in issues] == sorted((i.count for i in issues), reverse=True)


def test_backend_capabilities() -> None:
    _, backend = serve()
    assert backend.name == "posthog"
    assert backend.sort_options == ("last_seen", "first_seen", "occurrences", "users", "sessions")
    assert backend.status_actions == {
        StatusAction.RESOLVE,
        StatusAction.REOPEN,
        StatusAction.IGNORE,
    }
    assert backend.event_refs == {"latest", "oldest"}


async def test_read_only_statuses_map_and_keep_their_name() -> None:
    server, backend = serve()
    by_name(server, "KeyError")["status"] = "archived"
    issues = {i.type: i for i in (await backend.list_issues(ALL)).issues}
    assert (issues["KeyError"].status, issues["KeyError"].raw_status) == (
        IssueStatus.IGNORED,
        "archived",
    )
    pending = [i for i in issues.values() if i.raw_status == "pending_release"]
    assert pending and all(i.status is IssueStatus.RESOLVED for i in pending)


async def test_fake_server_rejects_unknown_query_fields_like_posthog() -> None:
    server, backend = serve()
    body = {"query": {"kind": "ErrorTrackingQuery", "dateRange": {"date_from": "-7d"},
                      "volumeResolution": 0, "order": "last_seen"}}  # fmt: skip
    with pytest.raises(ServerError, match="extra inputs are not permitted: order"):
        await backend.client.request("POST", f"{API}/query/", json=body)


# One issue; short ids


async def test_get_issue_by_uuid_short_id_or_prefix() -> None:
    server, backend = serve()
    wanted = by_name(server, "KeyError")
    bare = wanted["id"].replace("-", "")
    for key in (wanted["id"], wanted["id"].upper(), bare, wanted["id"][-8:], wanted["id"][-12:]):
        issue = await backend.get_issue(key)
        assert issue.id == wanted["id"] and issue.count == 2
    sent = queries(server, "ErrorTrackingQuery")
    assert sent[0]["issueId"] == wanted["id"] and sent[0]["status"] == "all"


async def test_short_id_of_a_listed_issue_needs_no_scan() -> None:
    server, backend = serve()
    listed = (await backend.list_issues(ALL)).issues[3]
    before = len(server.requests)
    assert (await backend.get_issue(listed.short_id)).id == listed.id
    assert len(server.requests) == before + 1  # only the query for the issue itself


async def test_ambiguous_or_unknown_fragments_fail_clearly() -> None:
    server, backend = serve()
    # uuid7s minted in the same minute share their first digits: a prefix can be ambiguous.
    prefix = next(iter(server.issues))[:8]
    with pytest.raises(NotFound, match="matches several issues"):
        await backend.get_issue(prefix)
    with pytest.raises(NotFound, match="no issue seen in the last 90 days"):
        await backend.get_issue("abcdef12")
    with pytest.raises(NotFound, match="neither a PostHog issue id nor a short id"):
        await backend.get_issue("BILLING-1")


def stale_server(**options: Any) -> tuple[DemoPostHogServer, PostHogBackend]:
    """A server whose events all lie beyond the 90-day look-back."""
    data = load_demo_data()
    later = NOW + timedelta(days=400)
    server = DemoPostHogServer(data["issues"], data["events"], data["frames"], now=later, **options)
    return server, PostHogBackend.connect(DEMO_POSTHOG_URL, "k", DEMO_PROJECT, server.transport())


async def test_issue_without_recent_events_comes_from_the_rest_endpoint() -> None:
    server, backend = stale_server()
    wanted = next(iter(server.issues.values()))
    issue = await backend.get_issue(wanted["id"])
    assert (issue.id, issue.count, issue.title.split(":")[0]) == (wanted["id"], 0, wanted["name"])
    assert f"GET {API}/error_tracking/issues/{wanted['id']}/" in paths(server)


async def test_rest_issue_refused_by_an_old_server_is_explained() -> None:
    server, backend = stale_server(refuse_personal_keys=True)
    with pytest.raises(AuthError) as caught:
        await backend.get_issue(next(iter(server.issues)))
    assert str(caught.value) == OLD_SERVER


# Events


async def test_events_navigate_like_sentry() -> None:
    server, backend = serve()
    issue = by_name(server, "ValueError")["id"]
    ids = [e["uuid"] for e in server.events if e["properties"]["$exception_issue_id"] == issue]
    latest = await backend.get_event(issue)
    assert (latest.id, latest.previous_event_id, latest.next_event_id) == (ids[-1], ids[-2], None)
    middle = await backend.get_event(issue, ids[1])
    assert (middle.previous_event_id, middle.next_event_id) == (ids[0], ids[2])
    oldest = await backend.get_event(issue, "oldest")
    assert (oldest.id, oldest.previous_event_id, oldest.next_event_id) == (ids[0], None, ids[1])
    assert latest.issue_id == issue and latest.timestamp is not None


async def test_events_query_bodies() -> None:
    server, backend = serve()
    issue = by_name(server, "ValueError")["id"]
    ids = [e["uuid"] for e in server.events if e["properties"]["$exception_issue_id"] == issue]
    await backend.get_event(issue, ids[1])
    first, before, after = queries(server, "EventsQuery")
    assert set(first) == set(before) == EV_QUERY_KEYS
    assert first["select"] == ["uuid", "timestamp", "distinct_id", "properties"]
    assert first["where"] == [f"properties.$exception_issue_id = '{issue}'", f"uuid = '{ids[1]}'"]
    assert before["select"] == ["uuid"] and before["orderBy"] == ["timestamp DESC"]
    assert before["where"][1].startswith("timestamp < toDateTime64('")
    assert after["orderBy"] == ["timestamp ASC"] and after["where"][1].startswith("timestamp > ")


async def test_event_refs_that_posthog_lacks() -> None:
    server, backend = serve()
    issue = by_name(server, "ValueError")["id"]
    with pytest.raises(Unsupported):
        await backend.get_event(issue, "recommended")
    with pytest.raises(NotFound, match="no event"):
        await backend.get_event(issue, "01a2003a-0000-7000-8000-000000000000")


async def test_resolved_python_frames_get_their_context_from_batch_get() -> None:
    server, backend = serve()
    event = await backend.get_event(by_name(server, "ValueError")["id"])
    raised, cause = event.exceptions
    assert (raised.type, cause.type) == ("ValueError", "CardDeclined")
    crash = raised.stacktrace.frames[-1] if raised.stacktrace else None
    assert crash is not None and crash.function == "charge" and crash.platform == "python"
    assert crash.context_line is not None and "card declined" in crash.context_line
    assert crash.context[len(crash.pre_context)].lineno == crash.lineno
    (sent,) = server.bodies("/stack_frames/batch_get/")
    assert set(sent) == {"raw_ids"} and len(sent["raw_ids"]) == len(set(sent["raw_ids"]))


async def test_refused_batch_get_leaves_frames_and_a_note() -> None:
    server, backend = serve()
    handle = server.handle

    async def refuse_batch_get(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/batch_get/"):
            return httpx.Response(403, json={"detail": PERSONAL_KEY_REFUSED})
        return await handle(request)

    backend = PostHogBackend.connect(
        DEMO_POSTHOG_URL, "k", DEMO_PROJECT, httpx.MockTransport(refuse_batch_get)
    )
    event = await backend.get_event(by_name(server, "ValueError")["id"])
    crash = event.exceptions[0].stacktrace.frames[-1] if event.exceptions[0].stacktrace else None
    assert crash is not None and crash.function == "charge" and crash.context_line is None
    assert event.processing_errors[-1].startswith("source context unavailable: permission denied")


async def test_server_resolved_javascript_and_resolve_failure() -> None:
    server, backend = serve()
    issue = by_name(server, "TypeError", "reading 'price'")
    newest = await backend.get_event(issue["id"])
    frames = newest.exceptions[0].stacktrace.frames if newest.exceptions[0].stacktrace else ()
    assert frames[-1].function == "lineTotal" and frames[-1].filename.endswith("lib/cart.js")
    assert frames[-1].context_line == "  const unitPrice = line.product.price;"
    oldest = await backend.get_event(issue["id"], "oldest")
    frames = oldest.exceptions[0].stacktrace.frames if oldest.exceptions[0].stacktrace else ()
    assert frames[-1].function == "p" and frames[-1].colno is not None
    assert frames[-1].server_failure.startswith("No symbol set found for chunk id")


async def test_raw_javascript_frames_resolve_locally_through_the_symbol_source(
    tmp_path: Path,
) -> None:
    server, backend = serve()
    event = await backend.get_event(by_name(server, "RangeError")["id"])
    frames = event.exceptions[0].stacktrace.frames if event.exceptions[0].stacktrace else ()
    index = next(i for i, f in enumerate(frames) if f.function == "s")
    result = await Symbolicator(SymbolCache(tmp_path), [backend.symbol_source()]).symbolicate(event)
    resolution = result.get(0, index)
    assert resolution is not None and resolution.frame is not None, resolution
    assert resolution.frame.function == "currencyFormatter"
    assert resolution.frame.filename.endswith("lib/format.js")
    storage = [r for r in server.requests if r.url.host == httpx.URL(STORAGE_URL).host]
    assert len(storage) == 1 and "authorization" not in storage[0].headers


async def test_symbol_set_lookup_by_chunk_id() -> None:
    server, backend = serve()
    chunk = load_demo_data()["chunk_id"]
    blob = await backend.fetch_symbol_set(chunk)
    assert blob is not None and blob.startswith(b"posthog_error_tracking")
    assert await backend.fetch_symbol_set("no-such-chunk") is None
    listed = [r for r in server.requests if r.url.path.endswith("/symbol_sets/")]
    assert [r.url.params.get("ref") for r in listed] == [chunk, "no-such-chunk"]


# Status changes


@pytest.mark.parametrize(
    ("action", "sent", "status"),
    [
        (StatusAction.RESOLVE, "resolved", IssueStatus.RESOLVED),
        (StatusAction.REOPEN, "active", IssueStatus.UNRESOLVED),
        (StatusAction.IGNORE, "suppressed", IssueStatus.IGNORED),
    ],
)
async def test_set_status_patches_the_issue(
    action: StatusAction, sent: str, status: IssueStatus
) -> None:
    server, backend = serve()
    wanted = by_name(server, "KeyError")
    issue = await backend.set_status(wanted["id"][-8:], action)
    assert server.bodies(f"/error_tracking/issues/{wanted['id']}/") == [{"status": sent}]
    assert (issue.status, issue.raw_status, issue.count) == (status, sent, 2)
    assert server.issues[wanted["id"]]["status"] == sent


async def test_resolve_in_next_release_is_unsupported() -> None:
    server, backend = serve()
    with pytest.raises(Unsupported):
        await backend.set_status(next(iter(server.issues)), StatusAction.RESOLVE_NEXT_RELEASE)


async def test_bulk_status_change() -> None:
    server, backend = serve()
    ids = [by_name(server, n)["id"] for n in ("KeyError", "ValueError")]
    await backend.bulk_apply([ids[0], ids[1][-8:]], StatusChange(StatusAction.IGNORE))
    assert server.bodies("/error_tracking/issues/bulk/") == [
        {"action": "set_status", "ids": ids, "status": "suppressed"}
    ]
    assert [server.issues[i]["status"] for i in ids] == ["suppressed", "suppressed"]


async def test_environments_fallback_is_remembered_per_route_family() -> None:
    server, backend = serve(project_routes=("query",))
    wanted = by_name(server, "KeyError")["id"]
    await backend.set_status(wanted, StatusAction.RESOLVE)
    await backend.set_status(wanted, StatusAction.REOPEN)
    patches = [p for p in paths(server) if p.startswith("PATCH")]
    assert patches == [
        f"PATCH {API}/error_tracking/issues/{wanted}/",
        f"PATCH /api/environments/{DEMO_PROJECT}/error_tracking/issues/{wanted}/",
        f"PATCH /api/environments/{DEMO_PROJECT}/error_tracking/issues/{wanted}/",
    ]
    assert all(p.startswith(f"POST {API}/query/") for p in paths(server) if "query" in p)


async def test_old_server_refusing_personal_keys_is_explained() -> None:
    server, backend = serve(refuse_personal_keys=True)
    with pytest.raises(AuthError) as caught:
        await backend.set_status(next(iter(server.issues)), StatusAction.RESOLVE)
    assert str(caught.value) == OLD_SERVER
    assert OLD_SERVER.count(". ") == 0  # one sentence


async def test_missing_write_scope_is_named() -> None:
    server, backend = serve(scopes={"query:read", "error_tracking:read"})
    assert (await backend.list_issues(ALL)).issues
    with pytest.raises(AuthError, match="needs the error_tracking:write scope"):
        await backend.set_status(next(iter(server.issues)), StatusAction.RESOLVE)


# check() and profiles


async def test_check_proves_the_key_works() -> None:
    server, backend = serve()
    assert (
        await backend.check()
        == f"posthog: project 'Demo shop' ({DEMO_PROJECT}), error tracking readable"
    )
    assert queries(server, "ErrorTrackingQuery")[0]["limit"] == 1


async def test_check_names_the_missing_read_scopes() -> None:
    _, backend = serve(scopes=set())
    with pytest.raises(AuthError, match="needs the query:read and error_tracking:read scope"):
        await backend.check()


async def test_check_with_a_rejected_key() -> None:
    server = DemoPostHogServer.from_package(now=NOW)
    backend = PostHogBackend.connect(DEMO_POSTHOG_URL, None, DEMO_PROJECT, server.transport())
    with pytest.raises(AuthError, match="401"):
        await backend.check()


async def test_open_backend_reads_the_key_from_posthog_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSTHOG_PERSONAL_API_KEY", "phx_from_env")
    server = DemoPostHogServer.from_package(now=NOW)
    seen: list[str] = []

    async def record(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("authorization", ""))
        return await server.handle(request)

    profile = Profile("ph", "posthog", DEMO_POSTHOG_URL, projects=(DEMO_PROJECT,))
    backend = open_backend(profile, httpx.MockTransport(record))
    assert isinstance(backend, PostHogBackend)
    await backend.check()
    assert seen and set(seen) == {"Bearer phx_from_env"}


# Demo profile and CLI


def test_demo_config_has_both_profiles_sentry_first() -> None:
    config = demo_config()
    assert config.default_profile == "demo"
    assert config.profile("demo-posthog").backend == "posthog"
    assert isinstance(open_demo_backend("demo-posthog", now=NOW), PostHogBackend)
    assert open_demo_backend(now=NOW).name == "sentry"


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(["--demo", "--profile", "demo-posthog", *argv])
    return code, capsys.readouterr().out


def test_cli_lists_shows_and_resolves_posthog_issues(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = cli(capsys, "issues", "list", "--json", "--query", "")
    assert code == 0
    listed = json.loads(out)
    assert len(listed) == len(load_demo_data()["issues"])
    assert {i["raw_status"] for i in listed} >= {"active", "resolved", "suppressed"}
    card = next(i for i in listed if i["type"] == "ValueError")
    code, out = cli(capsys, "issues", "show", card["short_id"], "--json")
    assert code == 0
    shown = json.loads(out)
    assert [e["type"] for e in shown["event"]["exceptions"]] == ["ValueError", "CardDeclined"]
    code, out = cli(capsys, "issues", "resolve", card["short_id"])
    assert (code, out.strip()) == (0, f"{card['short_id']}: resolved")


def test_cli_changes_several_issues_with_one_bulk_request(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    writes: list[tuple[str, str]] = []
    handle = DemoPostHogServer.handle

    async def spy(server: DemoPostHogServer, request: httpx.Request) -> httpx.Response:
        if request.method in ("POST", "PATCH") and "/error_tracking/issues/" in request.url.path:
            writes.append((request.method, request.url.path))
        return await handle(server, request)

    monkeypatch.setattr(DemoPostHogServer, "handle", spy)
    _, out = cli(capsys, "issues", "list", "--json")
    ids = [i["short_id"] for i in json.loads(out)[:3]]
    code, out = cli(capsys, "issues", "ignore", *ids)
    assert code == 0
    assert out.splitlines() == [f"{short_id}: ignored (suppressed)" for short_id in ids]
    assert writes == [("POST", "/api/projects/73091/error_tracking/issues/bulk/")]


async def test_frames_posthog_resolved_are_not_tried_again_locally(tmp_path: Path) -> None:
    server, backend = serve()
    event = await backend.get_event(by_name(server, "TypeError", "reading 'price'")["id"])
    frames = event.exceptions[0].stacktrace.frames if event.exceptions[0].stacktrace else ()
    assert frames and all(f.filename.startswith("../../src/") for f in frames)
    result = await Symbolicator(SymbolCache(tmp_path), [backend.symbol_source()]).symbolicate(event)
    assert result.frames == {}
    shown = result.apply(event).exceptions[0].stacktrace
    assert shown is not None and all(not f.resolve_failure for f in shown.frames)


def test_cli_refuses_an_unknown_sort_listing_posthogs_own(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli(capsys, "issues", "list", "--sort", "freq")[0] == 0  # Sentry's names are mapped
    assert main(["--demo", "--profile", "demo-posthog", "issues", "list", "--sort", "bogus"]) == 1
    err = capsys.readouterr().err
    assert "cannot sort by 'bogus': use last_seen, first_seen, occurrences" in err
    assert err.rstrip().endswith(", sessions, priority")


def test_cli_shows_posthogs_own_reason_for_a_frame_it_could_not_resolve(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, out = cli(capsys, "issues", "list", "--json", "--query", "")
    issue = next(i for i in json.loads(out) if "reading 'price'" in i["title"])
    code, out = cli(capsys, "issues", "show", issue["short_id"], "--event", "oldest", "--json")
    frames = json.loads(out)["event"]["exceptions"][0]["stacktrace"]["frames"]
    assert code == 0 and frames[-1]["server_failure"].startswith("No symbol set found for chunk")
    code, out = cli(capsys, "issues", "show", issue["short_id"], "--event", "oldest")
    assert "server could not resolve: No symbol set found for chunk id" in out


async def test_a_symbol_set_larger_than_the_cap_is_abandoned(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server, backend = serve()
    monkeypatch.setattr("tui.backends.posthog.MAX_SYMBOL_SET_BYTES", 1024)
    with pytest.raises(LookupFailed, match="larger than 1024 bytes"):
        await backend.fetch_symbol_set(load_demo_data()["chunk_id"])


async def test_list_carries_the_volume_trend_counted_from_the_events() -> None:
    server, backend = serve()
    issues = (await backend.list_issues(ALL)).issues
    for issue in issues:
        assert len(issue.trend) == 20
        # Each bucket is a twentieth of the list's 14 days.
        assert issue.trend_bucket == 14 * 86400 // 20
    assert sum(sum(i.trend) for i in issues) == sum(i.count for i in issues)
