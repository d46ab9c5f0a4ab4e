"""Release health in the CLI: `issues list --sort priority`, and the badges and priority that
`--json` adds to each issue."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tui.model import Issue, to_jsonable
from tui.priority import badges, score


def issue_json(issue: Issue, now: datetime, environment: str = "") -> dict[str, Any]:
    """The issue as `--json` prints it: the model, its badges and its priority's parts."""
    return {
        **to_jsonable(issue),
        "badges": [badge.value for badge in badges(issue, now)],
        "priority": to_jsonable(score(issue, now, environment)),
    }


def scored_note(count: int, more: bool) -> str:
    """For stderr: a priority sort ranks only what was fetched."""
    note = f"priority scored over the {count} issues fetched"
    return note + ("; the server has more (raise --limit to score them)" if more else "")
