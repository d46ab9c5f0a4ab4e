"""Triage changes (status, assignment) that report only what the server confirmed.

A write that failed in doubt (a gateway error, a timeout, a reset) may still have been applied:
the issue is read back first, and the write is sent again only when the read shows it was not.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from tui.backends.errors import BackendError, ConnectionFailed, InvalidResponse, ServerError
from tui.backends.http import ApiClient
from tui.model import Change, Issue

IN_DOUBT = (ServerError, ConnectionFailed)
"""Failures after which the server may or may not have applied the write."""


def same_issue(issue: Issue, key: str, what: str) -> Issue:
    """`issue`, after checking the server answered about the issue it was asked about (short
    ids are matched as Sentry and Bugsink look them up: in any case)."""
    if key != issue.id and key.upper() != issue.short_id.upper():
        raise InvalidResponse(f"asked about issue {key}, the server {what} issue {issue.id}")
    return issue


async def confirmed_change(
    client: ApiClient,
    change: Change,
    write: Callable[[], Awaitable[Issue | None]],
    read: Callable[[], Awaitable[Issue]],
) -> Issue:
    """Send `write` and return the issue as the server confirms it.

    `write` returns the issue from the server's answer when the answer is a full issue of the
    one asked about, else None; `read` fetches the issue. The result may be in another state than
    `change` asks for (the caller tells the user so); an error means the state is unknown.
    """
    for attempt in range(client.retries + 1):
        try:
            answered = await write()
        except BackendError as error:
            if not in_doubt(error):
                raise
            now = await read()
            if change.reached(now):
                return now
            if not error.transient or attempt == client.retries:
                raise
            await client.pause_before_retry(attempt, error)
            continue
        if answered is not None and change.reached(answered):
            return answered
        return await read()
    raise AssertionError("unreachable")  # the last attempt always returns or raises


def in_doubt(error: BackendError) -> bool:
    # Any unexpected status is checked by reading back: Bugsink, for one, answers 400 to a
    # change the issue already has. Auth errors and 404 are certain refusals.
    return isinstance(error, IN_DOUBT) or error.transient


async def bulk_confirmed(
    keys: Sequence[str],
    change: Change,
    write: Callable[[], Awaitable[object]],
    read: Callable[[str], Awaitable[Issue]],
) -> list[Issue | BackendError]:
    """Send one `write` naming all `keys`, then read each back: the issue as the server has it,
    or why that is unknown or unchanged. Never sent without keys: a bulk write without ids is,
    on Sentry, a write to every issue of the organisation."""
    if not keys:
        return []
    if not all(key.strip() for key in keys):
        # A blank id (from a server that lied about an issue) may read as no id at all.
        raise InvalidResponse("an issue without an id cannot be named in a bulk change")
    failure: BackendError | None = None
    try:
        await write()
    except BackendError as error:
        if not in_doubt(error):
            raise
        failure = error  # some may have changed all the same: the read-back tells
    results: list[Issue | BackendError] = []
    for key in keys:
        issue = await attempt(read(key))
        unconfirmed = isinstance(issue, Issue) and not change.reached(issue)
        results.append(failure if failure is not None and unconfirmed else issue)
    return results


async def attempt(pending: Awaitable[Issue]) -> Issue | BackendError:
    """The issue, or the backend error that stands in its place in a per-issue result."""
    try:
        return await pending
    except BackendError as error:
        return error
