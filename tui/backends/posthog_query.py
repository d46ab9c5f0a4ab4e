"""Request bodies for PostHog's Query API: `ErrorTrackingQuery` and `EventsQuery`.

PostHog's query models reject unknown fields (`extra="forbid"`), so these send only fields the
server's schema has had for a long time, and values go into HogQL only after validation.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tui.backends.errors import NotFound, Unsupported
from tui.backends.search import STATUS_WORDS, Term, parse_search, term_text
from tui.model import IssueQuery, IssueStatus

SORTS = ("last_seen", "first_seen", "occurrences", "users", "sessions")
SENTRY_SORTS = {
    **{"date": "last_seen", "new": "first_seen", "freq": "occurrences", "user": "users"},
    # Sentry's own rankings have no PostHog counterpart: the most recent is the nearest.
    **{"trends": "last_seen", "recommended": "last_seen"},
}
STATUS_PARAM = {
    IssueStatus.UNRESOLVED: "active",
    IssueStatus.RESOLVED: "resolved",
    IssueStatus.IGNORED: "suppressed",
}
LOOKBACK = "-90d"
"""How far back single-issue and event lookups reach (the list uses `IssueQuery.stats_period`)."""
MAX_PAGE = 100
VOLUME_BUCKETS = 20
"""`volumeResolution` of the list: the number of `volumeRange` buckets over its date range."""
PERIOD_SECONDS = {"h": 3600, "d": 86400, "w": 7 * 86400, "m": 30 * 86400, "y": 365 * 86400}
EVENT_COLUMNS = ("uuid", "timestamp", "distinct_id", "properties")
UUID = re.compile(r"^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$", re.I)
_PERIOD = re.compile(r"^(\d+)([hdwmy])$")


@dataclass(frozen=True)
class ListPlan:
    """What goes to the server, and which search terms stackdeck must check itself."""

    status: str
    search: str
    residual: str
    """Terms PostHog cannot filter on (`level:`, `project:`, several or negated `is:`)."""


def plan_search(query: str) -> ListPlan:
    terms = parse_search(query)
    positive = [t.value for t in terms if t.key == "is" and not t.negated]
    wanted = {STATUS_WORDS[value] for value in positive if value in STATUS_WORDS}
    status = STATUS_PARAM[next(iter(wanted))] if len(wanted) == 1 else "all"
    search = " ".join(t.value for t in terms if not t.key)
    residual = [t for t in terms if t.key and not _served(t, status)]
    return ListPlan(status, search, " ".join(term_text(t) for t in residual))


def sort_key(sort: str) -> str:
    """A PostHog `orderBy`; Sentry's names are accepted too, anything else is refused."""
    if sort in SORTS:
        return sort
    if sort in SENTRY_SORTS:
        return SENTRY_SORTS[sort]
    raise Unsupported(f"posthog cannot sort by {sort!r}: use {', '.join(SORTS)}")


def issue_query(
    *,
    order_by: str = "last_seen",
    status: str = "all",
    search: str = "",
    date_from: str = LOOKBACK,
    limit: int = 50,
    offset: int = 0,
    issue_id: str = "",
    volume_resolution: int = 0,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "ErrorTrackingQuery",
        "dateRange": {"date_from": date_from},
        "orderBy": order_by,
        "orderDirection": "DESC",
        "status": status,
        "volumeResolution": volume_resolution,
        "limit": limit,
        "offset": offset,
    }
    if search:
        body["searchQuery"] = search
    if issue_id:
        body["issueId"] = issue_id
    return {"query": body}


def list_query(query: IssueQuery, plan: ListPlan, offset: int) -> dict[str, Any]:
    return issue_query(
        order_by=sort_key(query.sort),
        status=plan.status,
        search=plan.search,
        date_from=date_from(query.stats_period),
        limit=max(1, min(query.limit, MAX_PAGE)),
        offset=offset,
        volume_resolution=VOLUME_BUCKETS,
    )


def bucket_seconds(stats_period: str) -> int:
    """Seconds per `volumeRange` bucket of a list over `stats_period` (`date_from` reads it)."""
    match = _PERIOD.match(date_from(stats_period)[1:])
    if match is None:
        return 0
    return int(match[1]) * PERIOD_SECONDS[match[2]] // VOLUME_BUCKETS


def date_from(stats_period: str) -> str:
    """`14d` -> `-14d`; PostHog's relative dates take h/d/w/m/y."""
    period = stats_period.strip().lower()
    return f"-{period}" if _PERIOD.match(period) else LOOKBACK


def events_query(
    issue_id: str,
    *,
    columns: tuple[str, ...] = EVENT_COLUMNS,
    where: tuple[str, ...] = (),
    newest_first: bool = True,
    limit: int = 1,
) -> dict[str, Any]:
    """`$exception` events of one issue; `where` adds HogQL conditions built below."""
    return {
        "query": {
            "kind": "EventsQuery",
            "event": "$exception",
            "select": list(columns),
            "where": [f"properties.$exception_issue_id = '{checked_uuid(issue_id)}'", *where],
            "orderBy": ["timestamp DESC" if newest_first else "timestamp ASC"],
            "after": LOOKBACK,
            "limit": limit,
        }
    }


PERSON_EVENTS = 500
"""A person's newest exceptions read to find the issues they hit."""
ISSUE_COLUMN = "properties.$exception_issue_id"


def person_issues_query(distinct_id: str) -> dict[str, Any]:
    """The issue ids of one person's newest `$exception` events (by distinct id)."""
    return {
        "query": {
            "kind": "EventsQuery",
            "event": "$exception",
            "select": [ISSUE_COLUMN],
            "where": [f"distinct_id = {hogql_string(distinct_id)}"],
            "orderBy": ["timestamp DESC"],
            "after": LOOKBACK,
            "limit": PERSON_EVENTS,
        }
    }


def hogql_string(value: str) -> str:
    """`value` as a HogQL string literal: backslashes and quotes escaped, so a distinct id
    (chosen by the app that sent it) cannot end the literal."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def uuid_is(event_id: str) -> str:
    return f"uuid = '{checked_uuid(event_id)}'"


def timestamp_cmp(op: str, moment: datetime) -> str:
    """`timestamp < toDateTime64(...)`, the moment formatted here (never server text), in UTC
    explicitly: a bare string would be read in the project's time zone (UNVERIFIED on a live
    server; the fake in `tui/demo/posthog_server.py` accepts exactly this form)."""
    if op not in ("<", ">"):
        raise ValueError(op)
    text = moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return f"timestamp {op} toDateTime64('{text}', 6, 'UTC')"


def checked_uuid(value: str) -> str:
    """A uuid safe to put in HogQL; anything else cannot name a PostHog issue or event."""
    if not UUID.match(value):
        raise NotFound(f"{value!r} is not a PostHog id (a uuid)")
    return str(uuid.UUID(value))


def rows(data: Any, columns: tuple[str, ...]) -> list[dict[str, Any]]:
    """Query results as dicts, by the `columns` the server names (else the ones asked for)."""
    if not isinstance(data, dict):
        return []
    named = data.get("columns")
    names: list[Any] = named if isinstance(named, list) else list(columns)
    found = []
    for row in data.get("results") or []:
        if isinstance(row, list | tuple):
            found.append(dict(zip(names, row, strict=False)))
        elif isinstance(row, dict):
            found.append(row)
    return found


def _served(term: Term, status: str) -> bool:
    """Whether the server's `status` filter already does what this `is:` term asks."""
    return term.key == "is" and not term.negated and status != "all"
