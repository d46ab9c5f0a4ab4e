"""Watch mode's bookkeeping, without Textual: what changed between two looks at the list, and
how long to wait before the next look."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from tui.backends.errors import RateLimited
from tui.model import Issue, IssueStatus

MAX_BACKOFF = 15 * 60
"""Seconds between looks at most while the server keeps failing or rate limiting."""


class Change(enum.StrEnum):
    """What happened to an issue since the last look; the badge shows the first letter."""

    NEW = "new"
    REGRESSED = "regressed"
    GROWING = "growing"

    @property
    def alerts(self) -> bool:
        """A new or regressed issue rings the bell; a growing one only gets its badge."""
        return self is not Change.GROWING


def changes(before: Mapping[str, Issue], after: Iterable[Issue]) -> dict[str, Change]:
    """Each issue of `after` that is new, regressed or growing compared with `before`."""
    found: dict[str, Change] = {}
    for issue in after:
        old = before.get(issue.id)
        if old is None:
            found[issue.id] = Change.NEW
        elif _regressed(old, issue):
            found[issue.id] = Change.REGRESSED
        elif issue.count > old.count:
            found[issue.id] = Change.GROWING
    return found


def _regressed(old: Issue, new: Issue) -> bool:
    reopened = old.status is not IssueStatus.UNRESOLVED and new.status is IssueStatus.UNRESOLVED
    return reopened or (new.substatus == "regressed" and old.substatus != "regressed")


@dataclass
class Backoff:
    """The delay before the next look: the interval after a success; after a failure the
    server's Retry-After when it gave one, else twice the last delay; never over MAX_BACKOFF."""

    interval: float
    delay: float = 0.0

    def __post_init__(self) -> None:
        self.delay = self.interval

    def succeeded(self) -> float:
        self.delay = self.interval
        return self.delay

    def failed(self, error: BaseException) -> float:
        retry_after = error.retry_after if isinstance(error, RateLimited) else None
        doubled = min(MAX_BACKOFF, self.delay * 2)
        # A Retry-After of a year (or `inf`) from a broken server would stop watching for good.
        self.delay = min(MAX_BACKOFF, max(self.interval, retry_after)) if retry_after else doubled
        return self.delay
