"""The Bugsink backend against a real Bugsink fed by the real sentry-sdk."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from bugsink_server import Project
from sdk_events import JS_DEBUG_ID, JS_MINIFIED_URL, js_event, send_envelope, send_python_error

from tui.backends.bugsink import BugsinkBackend
from tui.backends.errors import AuthError, NotFound
from tui.model import DebugImage, Issue, IssueQuery, IssueStatus, StatusAction

pytestmark = pytest.mark.e2e

ALL = IssueQuery(query="")


async def server_issue(api: httpx.AsyncClient, issue_id: str) -> dict[str, Any]:
    return (await api.get(f"/issues/{issue_id}/")).raise_for_status().json()


async def only_issue(backend: BugsinkBackend, query: IssueQuery = ALL) -> Issue:
    page = await backend.list_issues(query)
    assert len(page.issues) == 1, page.issues
    return page.issues[0]


async def issues_by_kind(
    backend: BugsinkBackend, project: Project, kinds: list[str]
) -> dict[str, Issue]:
    """One issue per kind, keyed by kind."""
    for kind in kinds:
        send_python_error(project.dsn, kind)
    page = await backend.list_issues(ALL)
    return {issue.value.rsplit(" ", 1)[-1]: issue for issue in page.issues}


async def test_python_event_arrives_with_chain_locals_and_breadcrumbs(
    backend: BugsinkBackend, project: Project, server_api: httpx.AsyncClient
) -> None:
    sdk_ids = [send_python_error(project.dsn, "alpha") for _ in range(3)]

    issue = await only_issue(backend)
    assert issue.title == "ConfigError: port missing for alpha"
    assert issue.short_id == f"{project.slug.upper()}-1"
    assert (issue.count, issue.status, issue.project) == (3, IssueStatus.UNRESOLVED, project.slug)

    event = await backend.get_event(issue.id)
    assert [e.type for e in event.exceptions] == ["ConfigError", "KeyError"]  # raised first
    raised, cause = event.exceptions
    assert raised.stacktrace is not None and cause.stacktrace is not None
    assert raised.stacktrace.frames[-1].function == "parse_port"
    crashing = cause.stacktrace.frames[-1]
    assert crashing.function == "load_setting"
    assert crashing.context_line == "    return settings[key]"
    assert crashing.vars["retries"] == "3" and crashing.vars["key"] == "'port'"
    assert [b.message for b in event.breadcrumbs] == ["starting alpha", "reading settings"]
    assert (event.platform, event.release, event.environment) == ("python", "pyapp@1.0.0", "e2e")
    assert ("kind", "alpha") in event.tags
    latest = (await api_events(server_api, issue.id))[0]
    assert event.id == latest["id"]  # Bugsink's own uuid, so the event can be fetched again
    assert latest["event_id"].replace("-", "") == sdk_ids[-1]


async def api_events(api: httpx.AsyncClient, issue_id: str) -> list[dict[str, Any]]:
    response = await api.get("/events/", params={"issue": issue_id, "order": "desc"})
    return response.raise_for_status().json()["results"]


async def test_events_run_newest_first_and_link_to_their_neighbours(
    backend: BugsinkBackend, project: Project
) -> None:
    sdk_ids = [send_python_error(project.dsn, "alpha") for _ in range(3)]
    issue = await only_issue(backend)

    summaries = await backend.list_events(issue.id)
    assert len(summaries) == 3
    newest, middle_id, oldest_id = (e.id for e in summaries)

    latest = await backend.get_event(issue.id, "latest")
    assert (latest.id, latest.next_event_id, latest.previous_event_id) == (newest, None, middle_id)
    middle = await backend.get_event(issue.id, middle_id)
    assert (middle.next_event_id, middle.previous_event_id) == (newest, oldest_id)
    oldest = await backend.get_event(issue.id, "oldest")
    assert (oldest.id, oldest.next_event_id, oldest.previous_event_id) == (
        oldest_id,
        middle_id,
        None,
    )
    by_sdk_id = await backend.get_event(issue.short_id, sdk_ids[1])
    assert by_sdk_id.id == middle_id


async def test_issue_by_friendly_id_and_uuid(backend: BugsinkBackend, project: Project) -> None:
    issues = await issues_by_kind(backend, project, ["alpha", "beta"])
    beta = issues["beta"]
    assert beta.short_id == f"{project.slug.upper()}-2"
    assert await backend.get_issue(beta.short_id) == beta
    assert await backend.get_issue(beta.id) == beta


async def test_status_filter_and_search_run_on_the_client(
    backend: BugsinkBackend, project: Project, server_api: httpx.AsyncClient
) -> None:
    issues = await issues_by_kind(backend, project, ["alpha", "beta", "gamma"])
    await backend.set_status(issues["beta"].id, StatusAction.RESOLVE)
    await backend.set_status(issues["gamma"].id, StatusAction.IGNORE)
    assert (await server_issue(server_api, issues["beta"].id))["is_resolved"] is True
    assert (await server_issue(server_api, issues["gamma"].id))["is_muted"] is True

    async def titles(query: str) -> set[str]:
        page = await backend.list_issues(IssueQuery(query=query))
        return {issue.value for issue in page.issues}

    assert await titles("is:unresolved") == {"port missing for alpha"}
    assert await titles("is:resolved") == {"port missing for beta"}
    assert await titles("is:ignored") == {"port missing for gamma"}
    assert await titles("BETA") == {"port missing for beta"}
    assert await titles("is:unresolved gamma") == set()
    assert len(await titles("")) == 3


async def test_resolve_is_on_the_server_and_a_new_event_is_a_regression(
    backend: BugsinkBackend, project: Project, server_api: httpx.AsyncClient
) -> None:
    send_python_error(project.dsn, "alpha")
    issue = await only_issue(backend)

    resolved = await backend.set_status(issue.short_id, StatusAction.RESOLVE)
    assert resolved.status is IssueStatus.RESOLVED
    assert (await server_issue(server_api, issue.id))["is_resolved"] is True
    assert (await backend.list_issues(IssueQuery(query="is:unresolved"))).issues == ()

    send_python_error(project.dsn, "alpha")
    assert (await server_issue(server_api, issue.id))["is_resolved"] is False
    regressed = await only_issue(backend, IssueQuery(query="is:unresolved"))
    assert (regressed.id, regressed.status, regressed.count) == (
        issue.id,
        IssueStatus.UNRESOLVED,
        2,
    )


async def test_mute_reopen_and_resolve_in_next_release(
    backend: BugsinkBackend, project: Project, server_api: httpx.AsyncClient
) -> None:
    send_python_error(project.dsn, "alpha")
    issue = await only_issue(backend)

    muted = await backend.set_status(issue.id, StatusAction.IGNORE)
    assert (muted.status, muted.raw_status) == (IssueStatus.IGNORED, "muted")
    assert (await server_issue(server_api, issue.id))["is_muted"] is True
    unmuted = await backend.set_status(issue.id, StatusAction.REOPEN)
    assert unmuted.status is IssueStatus.UNRESOLVED
    assert (await server_issue(server_api, issue.id))["is_muted"] is False

    next_release = await backend.set_status(issue.id, StatusAction.RESOLVE_NEXT_RELEASE)
    assert (next_release.status, next_release.raw_status) == (
        IssueStatus.RESOLVED,
        "resolved_next_release",
    )
    assert (await server_issue(server_api, issue.id))["is_resolved_by_next_release"] is True
    muted_again = await backend.set_status(issue.id, StatusAction.IGNORE)  # reopened, then muted
    assert muted_again.status is IssueStatus.IGNORED
    state = await server_issue(server_api, issue.id)
    assert (state["is_resolved"], state["is_muted"]) == (False, True)
    reopened = await backend.set_status(issue.id, StatusAction.REOPEN)
    assert reopened.status is IssueStatus.UNRESOLVED
    assert (await server_issue(server_api, issue.id))["is_muted"] is False


async def test_resolving_twice_keeps_it_resolved(
    backend: BugsinkBackend, project: Project, server_api: httpx.AsyncClient
) -> None:
    send_python_error(project.dsn, "alpha")
    issue = await only_issue(backend)
    await backend.set_status(issue.id, StatusAction.RESOLVE)
    again = await backend.set_status(issue.id, StatusAction.RESOLVE)
    assert again.status is IssueStatus.RESOLVED
    assert (await server_issue(server_api, issue.id))["is_resolved"] is True


async def test_javascript_event_keeps_minified_frames_and_debug_meta(
    backend: BugsinkBackend, project: Project
) -> None:
    send_envelope(project.dsn, js_event())
    issue = await only_issue(backend)
    assert issue.title == "TypeError: record has too few fields: 1"

    event = await backend.get_event(issue.id)
    assert (event.platform, event.release) == ("javascript", "jsapp@0.1.0")
    (error,) = event.exceptions
    assert error.mechanism is not None and error.mechanism.handled is False
    assert error.stacktrace is not None
    assert [(f.function, f.lineno, f.colno) for f in error.stacktrace.frames] == [
        ("Object.main", 3, 257),
        ("?", 3, 242),
        ("e", 3, 56),
    ]
    assert event.debug_images == (DebugImage("sourcemap", JS_MINIFIED_URL, JS_DEBUG_ID),)


async def test_filtered_pages_resume_where_they_stopped(
    backend: BugsinkBackend, server_api: httpx.AsyncClient, project: Project
) -> None:
    kinds = ["alpha", "beta", "gamma", "delta", "epsilon"]
    issues = await issues_by_kind(backend, project, kinds)
    for kind in ("beta", "delta"):
        await backend.set_status(issues[kind].id, StatusAction.RESOLVE)

    seen: list[str] = []
    cursor: str | None = None
    for _ in range(10):
        page = await backend.list_issues(IssueQuery(query="is:unresolved", limit=1), cursor)
        seen.extend(issue.id for issue in page.issues)
        cursor = page.next_cursor
        if cursor is None:
            break
    listing = (await server_api.get("/issues/", params={"project": project.id})).raise_for_status()
    unresolved = [i["id"] for i in listing.json()["results"] if not i["is_resolved"]]
    assert sorted(seen) == sorted(unresolved) and len(seen) == len(set(seen)) == 3


async def test_check_names_the_project_and_bad_settings_fail_clearly(
    backend: BugsinkBackend, bugsink_server: Any, project: Project
) -> None:
    assert project.slug in await backend.check()

    missing = BugsinkBackend.from_profile(bugsink_server.url, bugsink_server.token, "no-such")
    with pytest.raises(NotFound, match="no-such"):
        await missing.list_issues(ALL)
    await missing.aclose()

    wrong = BugsinkBackend.from_profile(bugsink_server.url, "0" * 40, project.slug)
    with pytest.raises(AuthError):
        await wrong.check()
    await wrong.aclose()
