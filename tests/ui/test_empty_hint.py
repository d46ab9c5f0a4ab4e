"""What an empty issue list suggests: only what the user can do from there."""

from __future__ import annotations

from tui.model import IssueQuery
from tui.render.issue import empty_result


def test_empty_result_suggests_only_queries_the_list_can_run() -> None:
    hint = empty_result(IssueQuery(query="is:unresolved")).plain
    assert "try is:ignored or is:resolved" in hint
    # No key or option sets the list's period (Sentry's statsPeriod stays at its default).
    assert "period" not in hint
