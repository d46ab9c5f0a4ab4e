"""Which status changes apply to an issue, and how to talk about them."""

from __future__ import annotations

from tui.backends.base import Backend
from tui.model import Issue, IssueStatus, StatusAction

TARGET = {
    StatusAction.RESOLVE: IssueStatus.RESOLVED,
    StatusAction.REOPEN: IssueStatus.UNRESOLVED,
    StatusAction.IGNORE: IssueStatus.IGNORED,
}
PROGRESS = {
    StatusAction.RESOLVE: "Resolving",
    StatusAction.REOPEN: "Reopening",
    StatusAction.IGNORE: "Ignoring",
}
ACTION_FOR = {
    "resolve_issue": StatusAction.RESOLVE,
    "reopen_issue": StatusAction.REOPEN,
    "ignore_issue": StatusAction.IGNORE,
}


def can_apply(issue: Issue | None, action: StatusAction, backend: Backend) -> bool:
    """True when the server supports `action` and it would change the issue's status."""
    return (
        issue is not None
        and action in backend.status_actions
        and TARGET.get(action) is not issue.status
    )
