"""PostHog's triage wire formats: status and assignee bodies, members, roles, activity.

PostHog suppresses without a condition and knows no releases for resolving; an issue's
assignee is `{"type": "user"|"role", "id"}`, users by integer id, roles by uuid.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tui.backends.coerce import as_dict, as_id, as_list, as_str
from tui.backends.errors import Unsupported
from tui.backends.sentry_parse import parse_datetime
from tui.model import (
    Activity,
    AssignChange,
    Assignee,
    Capabilities,
    Change,
    Feature,
    StatusAction,
)

STATUS_BODIES = {
    StatusAction.RESOLVE: "resolved",
    StatusAction.REOPEN: "active",
    StatusAction.IGNORE: "suppressed",
}
_CONDITION = "PostHog suppresses an issue without a condition"
_RELEASE = "PostHog resolves an issue without a release"
CAPABILITIES = Capabilities(
    {
        Feature.IGNORE_FOR: _CONDITION,
        Feature.IGNORE_UNTIL_EVENTS: _CONDITION,
        Feature.IGNORE_UNTIL_USERS: _CONDITION,
        Feature.IGNORE_UNTIL_ESCALATING: _CONDITION,
        Feature.RESOLVE_NEXT_RELEASE: _RELEASE,
        Feature.RESOLVE_IN_RELEASE: _RELEASE,
        Feature.COMMENT: "PostHog's error-tracking API takes no comments",
    }
)


def issue_body(change: Change) -> dict[str, Any]:
    """The issue PATCH body for `change`."""
    if isinstance(change, AssignChange):
        return {"assignee": wire_assignee(change.assignee)}
    return {"status": status_of(change)}


def bulk_body(change: Change) -> dict[str, Any]:
    """The `issues/bulk/` body for `change`, without the ids."""
    if isinstance(change, AssignChange):
        return {"action": "assign", "assignee": wire_assignee(change.assignee)}
    return {"action": "set_status", "status": status_of(change)}


def status_of(change: Change) -> str:
    if isinstance(change, AssignChange):
        raise TypeError("an assignment has no status")
    status = STATUS_BODIES.get(change.action)
    missing = CAPABILITIES.why_not(*change.features)
    if status is None or missing:
        raise Unsupported(missing or f"posthog cannot {change.describe()}")
    return status


def wire_assignee(assignee: Assignee | None) -> dict[str, Any] | None:
    if assignee is None:
        return None
    user_id = int(assignee.id) if assignee.kind == "user" and assignee.id.isdigit() else None
    return {"type": assignee.kind, "id": assignee.id if user_id is None else user_id}


def parse_assignee(data: Any) -> Assignee | None:
    found = as_dict(data)
    if found.get("id") in (None, ""):
        return None
    return Assignee(kind=as_str(found.get("type")) or "user", id=as_id(found.get("id")))


def parse_user(data: Any) -> Assignee:
    """A user of `/api/users/@me/` or of a member's `user`."""
    user = as_dict(data)
    name = " ".join(as_str(user.get(k)) for k in ("first_name", "last_name") if user.get(k))
    return Assignee("user", as_id(user.get("id")), name, as_str(user.get("email")))


def parse_members(data: Any) -> list[Assignee]:
    users = [as_dict(m).get("user") for m in _results(data)]
    return [parse_user(u) for u in users if as_dict(u).get("id") is not None]


def parse_roles(data: Any) -> list[Assignee]:
    roles = [as_dict(r) for r in _results(data)]
    return [Assignee("role", as_id(r["id"]), as_str(r.get("name"))) for r in roles if r.get("id")]


def parse_activity(data: Any) -> tuple[Activity, ...]:
    """An activity-log page: `results[]` of `{user, activity, created_at, detail{changes[]}}`."""
    return tuple(_activity(as_dict(item)) for item in _results(data))


def _activity(item: Mapping[str, Any]) -> Activity:
    user = as_dict(item.get("user"))
    changes = [as_dict(c) for c in as_list(as_dict(item.get("detail")).get("changes"))]
    text = "; ".join(
        f"{as_str(c.get('field'))}: {_shown(c.get('before'))} -> {_shown(c.get('after'))}"
        for c in changes
    )
    return Activity(
        when=parse_datetime(item.get("created_at")),
        author=as_str(user.get("first_name") or user.get("email")) or "PostHog",
        kind=as_str(item.get("activity")),
        text=text,
    )


def _shown(value: Any) -> str:
    if isinstance(value, Mapping):
        return as_str(value.get("name") or value.get("id") or "")
    return as_str(value) if value is not None else "none"


def _results(data: Any) -> list[Any]:
    return as_list(as_dict(data).get("results") if isinstance(data, Mapping) else data)
