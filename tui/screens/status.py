"""Which status changes apply to an issue, and how to talk about them."""

from __future__ import annotations

from tui.backends.base import Backend
from tui.backends.errors import BackendError
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
MUTATING_ACTIONS = frozenset(
    {*ACTION_FOR, "assign_issue", "ignore_until", "resolve_in", "undo_change"}
)
"""Every action, on any screen, that changes the server: a read-only profile hides and refuses
them all. A new mutating action (assign, undo, bulk) joins this set."""


def read_only_reason(action: str, read_only_profile: str | None) -> str | None:
    """Why `action` is refused in the read-only profile `read_only_profile`; None when it is
    not a mutating action or the profile may change the server (`read_only_profile` None)."""
    if read_only_profile is None or action not in MUTATING_ACTIONS:
        return None
    return f"profile {read_only_profile} is read-only"


def can_apply(issue: Issue | None, action: StatusAction, backend: Backend) -> bool:
    """True when the server supports `action` and it would change the issue's status."""
    return why_not(issue, action, backend) is None


def why_not(issue: Issue | None, action: StatusAction, backend: Backend) -> str | None:
    """The reason `can_apply` is False, said to the user; None when it applies."""
    if issue is None:
        return "no issue under the cursor"
    if action not in backend.status_actions:
        return f"{backend.name} cannot {action.value.replace('_', ' ')} issues"
    if TARGET.get(action) is issue.status:
        return f"{issue.short_id} is already {issue.status.value}"
    return None


def describe_error(error: BaseException) -> str:
    """An error for the status line: ours speak to the user; anything else is a bug, named by
    its type."""
    return str(error) if isinstance(error, BackendError) else f"{type(error).__name__}: {error}"
