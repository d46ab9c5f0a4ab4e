"""Releases (and environments) that a server names only on each issue's detail (Sentry): what
to copy from the detail into a listed issue, and when the rate-limit budget allows asking."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import replace

from tui.backends.base import Backend
from tui.backends.errors import BackendError
from tui.model import Issue

RATE_RESERVE = 20
"""Requests left in the server's rate-limit window below which no detail is fetched for
releases: the user's own actions come first."""


def wants_details(backend: Backend) -> bool:
    return bool(getattr(backend, "releases_on_detail", False))


def budget_allows(backend: Backend) -> bool:
    budget = getattr(backend, "rate_limit", None)
    return budget is None or budget.remaining >= RATE_RESERVE


def merged(issue: Issue, detail: Issue | None) -> Issue:
    """The listed issue (fresher counts) with what only the detail names."""
    if detail is None:
        return issue
    return replace(
        issue,
        first_release=detail.first_release,
        last_release=detail.last_release,
        environments=detail.environments,
    )


def refreshed(listed: Issue, fresh: Issue) -> Issue:
    """`fresh` (a change's answer, the issue's own page) drawn in the list's row: the trend
    stays the list's (its period and buckets: an issue's own page counts by the hour), and
    releases and environments stay when `fresh` names none."""
    return replace(
        fresh,
        trend=listed.trend,
        trend_bucket=listed.trend_bucket,
        first_release=fresh.first_release or listed.first_release,
        last_release=fresh.last_release or listed.last_release,
        environments=fresh.environments or listed.environments,
    )


async def with_details(backend: Backend, issues: Sequence[Issue]) -> list[Issue]:
    """Each issue with its detail's releases, one request at a time while the budget allows;
    the rest as listed."""
    found = []
    for issue in issues:
        detail = None
        if budget_allows(backend):
            with contextlib.suppress(BackendError):  # extras: the list stands without them
                detail = await backend.get_issue(issue.id)
        found.append(merged(issue, detail))
    return found
