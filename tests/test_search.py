"""Client-side issue search, as used by the demo server and servers without search."""

from __future__ import annotations

import pytest

from tui.backends.search import issue_matches
from tui.model import Issue, IssueStatus

ISSUE = Issue(
    id="1",
    short_id="SHOP-7",
    title="TypeError: Cannot read properties of undefined",
    culprit="cartTotal",
    level="error",
    status=IssueStatus.RESOLVED,
    project="shop-web",
)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", True),
        ("is:resolved", True),
        ("is:unresolved", False),
        ("is:unresolved is:resolved", True),
        ("!is:resolved", False),
        ("typeerror", True),
        ('"read properties"', True),
        ('"properties read"', False),
        ("shop-7", True),
        ("level:warning", False),
        ("project:shop-web carttotal", True),
        ("is:resolved nosuchword", False),
        ('unbalanced "quote', False),
    ],
)
def test_issue_matches(query: str, expected: bool) -> None:
    assert issue_matches(ISSUE, query) is expected
