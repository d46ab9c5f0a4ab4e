"""Client-side issue search, as used by the demo server and servers without search."""

from __future__ import annotations

import pytest

from tui.backends.search import issue_matches, without_key
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


def test_release_term_matches_the_first_or_last_release_by_version_or_its_short_form() -> None:
    issue = Issue(
        id="1", short_id="A-1", title="t", first_release="api@2.13.0", last_release="api@2.14.1"
    )
    assert issue_matches(issue, "release:api@2.13.0")
    assert issue_matches(issue, "release:2.14.1")
    assert not issue_matches(issue, "release:2.14.0")
    assert issue_matches(issue, "!release:2.14.0")
    # An issue whose server names no release matches no release.
    assert not issue_matches(Issue(id="2", short_id="A-2", title="t"), "release:2.14.1")


def test_without_key_takes_the_terms_out_of_the_query() -> None:
    assert without_key('release:Api@2.14.1 is:unresolved "Card declined"', "release") == (
        ("Api@2.14.1",),
        "is:unresolved 'Card declined'",
    )
    assert without_key("!release:1.0 boom", "release") == ((), "!release:1.0 boom")
