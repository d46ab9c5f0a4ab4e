"""Lists longer than one Bugsink page (250): stackdeck follows Bugsink's own `next` URLs."""

from __future__ import annotations

import pytest
from bugsink_server import Project
from sdk_events import js_event, send_envelopes

from tui.backends.bugsink import BugsinkBackend
from tui.model import IssueQuery

pytestmark = pytest.mark.e2e
ISSUES = 260


def error_of_type(name: str) -> dict[str, object]:
    """An event whose exception type names its issue (Bugsink normalises numbers in values)."""
    event = js_event()
    exception = event["exception"]["values"][0]  # type: ignore[index]
    exception["type"] = name
    return event


def type_name(n: int) -> str:
    """`Err` plus letters: a distinct issue title per n."""
    letters = ""
    while True:
        n, digit = divmod(n, 26)
        letters = chr(ord("a") + digit) + letters
        if n == 0:
            return "Err" + letters


async def test_issue_list_pages_past_one_server_page(
    backend: BugsinkBackend, project: Project
) -> None:
    send_envelopes(project.dsn, [error_of_type(type_name(n)) for n in range(ISSUES)])

    seen: list[str] = []
    cursor: str | None = None
    for _ in range(10):
        page = await backend.list_issues(IssueQuery(query="", limit=100), cursor)
        seen.extend(issue.type for issue in page.issues)
        cursor = page.next_cursor
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == ISSUES
    assert set(seen) == {type_name(n) for n in range(ISSUES)}

    # Only the issue seen longest ago matches: it is on Bugsink's second page.
    oldest = type_name(0)
    found = await backend.list_issues(IssueQuery(query=f"{oldest}:", limit=5))
    assert [issue.type for issue in found.issues] == [oldest]
    assert found.next_cursor is None
