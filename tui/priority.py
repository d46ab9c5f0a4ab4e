"""Which issue to look at first: badges (new, regressed, escalating) and a priority score.

Pure functions over the model, shared by the issue list, the issue screen and the CLI. The
score is stackdeck's own, computed on the client over the issues fetched, so that it works the
same on every backend; a server's own priority (Sentry's) is shown beside it, never mixed in.

Badge rules, where the server has no word for them:
- new: first seen within the last `NEW_WITHIN` (24 h);
- regressed: only when the server says so (Sentry's `substatus`); Bugsink, GlitchTip and
  PostHog report no resolved-then-seen-again state in their issue lists, so none is guessed;
- escalating: the newest trend bucket holds at least `ESCALATION_MIN` events and more than
  `ESCALATION_FACTOR` times the average of the buckets before it.
A server that reports a substatus (Sentry) is taken at its word for all three.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from tui.model import Issue, IssueQuery
from tui.words import counted

PRIORITY_SORT = "priority"
"""The sort key stackdeck adds to every backend's own: scored here, not on the server."""
NEW_WITHIN = timedelta(hours=24)
ESCALATION_MIN = 5
ESCALATION_FACTOR = 3.0


class Badge(enum.StrEnum):
    NEW = "new"
    REGRESSED = "regressed"
    ESCALATING = "escalating"


SERVER_BADGES = {"new": Badge.NEW, "regressed": Badge.REGRESSED, "escalating": Badge.ESCALATING}
"""Sentry's `substatus` values that are badges."""


def badges(issue: Issue, now: datetime) -> tuple[Badge, ...]:
    """The issue's badges, by the rules in the module docstring."""
    if issue.substatus is not None:
        found = SERVER_BADGES.get(issue.substatus)
        return (found,) if found else ()
    derived = []
    if issue.first_seen is not None and now - issue.first_seen <= NEW_WITHIN:
        derived.append(Badge.NEW)
    if escalating(issue.trend):
        derived.append(Badge.ESCALATING)
    return tuple(derived)


def escalating(trend: tuple[int, ...]) -> bool:
    """The newest bucket far above the average of the ones before it."""
    if len(trend) < 2:
        return False
    *before, last = trend
    return last >= ESCALATION_MIN and last > ESCALATION_FACTOR * (sum(before) / len(before))


@dataclass(frozen=True)
class Weights:
    """Points per part of the score; the defaults make each part worth about as much as
    a thousand events."""

    events: float = 10.0
    """Points per tenfold of events."""
    users: float = 15.0
    """Points per tenfold of users: people hit count for more than repeats."""
    environments: Mapping[str, float] = field(
        default_factory=lambda: {"production": 20.0, "prod": 20.0, "staging": 8.0}
    )
    """Points for the issue's most important environment; others score 0."""
    regressed: float = 25.0
    new: float = 15.0
    escalating: float = 20.0


@dataclass(frozen=True)
class Part:
    name: str
    points: float
    reason: str


@dataclass(frozen=True)
class Priority:
    score: float
    parts: tuple[Part, ...]
    server_priority: str = ""
    """The server's own (Sentry's `high`/`medium`/`low`), shown beside the score."""


def score(
    issue: Issue, now: datetime, environment: str = "", weights: Weights | None = None
) -> Priority:
    """The issue's score and its parts. `environment` is the one the list is filtered to,
    which stands for the issue's own when the server does not list them."""
    weights = weights or Weights()
    found = set(badges(issue, now))
    env_name, env_points = _environment(issue.environments or (environment,), weights)
    parts = (
        Part("events", _log_points(issue.count, weights.events), counted(issue.count, "event")),
        Part(
            "users", _log_points(issue.user_count, weights.users), counted(issue.user_count, "user")
        ),
        Part("environment", env_points, env_name or "environment unknown"),
        _flag(Badge.REGRESSED in found, weights.regressed, "regressed"),
        _flag(Badge.NEW in found, weights.new, "new"),
        _flag(Badge.ESCALATING in found, weights.escalating, "escalating"),
    )
    total = round(sum(p.points for p in parts), 1)
    return Priority(total, parts, issue.server_priority)


def ranked(
    issues: Sequence[Issue], now: datetime, environment: str = "", weights: Weights | None = None
) -> list[Issue]:
    """Highest score first; ties keep the server's order."""
    scores = {i.id: score(i, now, environment, weights).score for i in issues}
    return sorted(issues, key=lambda i: -scores[i.id])


def sort_choices(sort_options: tuple[str, ...]) -> tuple[str, ...]:
    """The server's sorts, then stackdeck's own priority."""
    return (*(s for s in sort_options if s != PRIORITY_SORT), PRIORITY_SORT)


def server_query(query: IssueQuery, sort_options: tuple[str, ...]) -> IssueQuery:
    """What to ask the server for when the list is sorted by priority: its default order."""
    if query.sort != PRIORITY_SORT:
        return query
    return replace(query, sort=(sort_options or ("date",))[0])


def _log_points(value: int, per_tenfold: float) -> float:
    return round(per_tenfold * math.log10(1 + max(0, value)), 1)


def _environment(names: Iterable[str], weights: Weights) -> tuple[str, float]:
    scored = [(weights.environments.get(n.lower(), 0.0), n) for n in names if n]
    if not scored:
        return "", 0.0
    points, name = max(scored)
    return name, points


def _flag(on: bool, points: float, name: str) -> Part:
    return Part(name, points if on else 0.0, name if on else f"not {name}")
