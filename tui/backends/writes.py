"""Status changes that report only what the server confirmed, for every backend.

A write that failed in doubt (a gateway error, a timeout, a reset) may still have been applied:
the issue is read back first, and the write is sent again only when the read shows it was not.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from tui.backends.errors import BackendError, ConnectionFailed, InvalidResponse, ServerError
from tui.backends.http import ApiClient
from tui.model import Issue, IssueStatus, StatusAction

IN_DOUBT = (ServerError, ConnectionFailed)
"""Failures after which the server may or may not have applied the write."""


def status_reached(issue: Issue, action: StatusAction) -> bool:
    """Whether `issue` is in the state `action` asks for."""
    if action in (StatusAction.RESOLVE, StatusAction.RESOLVE_NEXT_RELEASE):
        return issue.status is IssueStatus.RESOLVED
    if action is StatusAction.IGNORE:
        return issue.status is IssueStatus.IGNORED
    return issue.status is IssueStatus.UNRESOLVED


def same_issue(issue: Issue, key: str, what: str) -> Issue:
    """`issue`, after checking the server answered about the issue it was asked about."""
    if key not in (issue.id, issue.short_id):
        raise InvalidResponse(f"asked about issue {key}, the server {what} issue {issue.id}")
    return issue


async def confirmed_change(
    client: ApiClient,
    action: StatusAction,
    write: Callable[[], Awaitable[Issue | None]],
    read: Callable[[], Awaitable[Issue]],
) -> Issue:
    """Send `write` and return the issue as the server confirms it.

    `write` returns the issue from the server's answer when the answer is a full issue of the
    one asked about, else None; `read` fetches the issue. The result may be in another state than
    `action` asks for (the caller tells the user so); an error means the state is unknown.
    """
    for attempt in range(client.retries + 1):
        try:
            answered = await write()
        except BackendError as error:
            if not in_doubt(error):
                raise
            now = await read()
            if status_reached(now, action):
                return now
            if not error.transient or attempt == client.retries:
                raise
            await client.pause_before_retry(attempt, error)
            continue
        if answered is not None and status_reached(answered, action):
            return answered
        return await read()
    raise AssertionError("unreachable")  # the last attempt always returns or raises


def in_doubt(error: BackendError) -> bool:
    # Any unexpected status is checked by reading back: Bugsink, for one, answers 400 to a
    # change the issue already has. Auth errors and 404 are certain refusals.
    return isinstance(error, IN_DOUBT) or error.transient
