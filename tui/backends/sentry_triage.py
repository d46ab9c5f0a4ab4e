"""Sentry's triage wire formats: update bodies, assignees, members, activity.

GlitchTip shares only the plain status bodies and comments (its issues have no `assignedTo`,
`substatus` or `activity`; its comments come in the shape of Sentry's `note` activity), which
is why its capabilities list the rest as missing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from tui.backends.coerce import as_dict, as_id, as_list, as_str
from tui.backends.errors import Unsupported
from tui.backends.sentry_parse import IGNORE_DETAILS, parse_datetime
from tui.model import (
    Activity,
    AssignChange,
    Assignee,
    Capabilities,
    Change,
    Feature,
    StatusAction,
)

SENTRY_CAPABILITIES = Capabilities(
    {Feature.SYMBOL_UPLOAD: "upload source maps to Sentry with sentry-cli (artifact bundles)"}
)
_NO_SYMBOL_SETS = "GlitchTip's API does not list uploaded source maps"
GLITCHTIP_CAPABILITIES = Capabilities(
    {
        Feature.IGNORE_FOR: "GlitchTip ignores without a condition",
        Feature.IGNORE_UNTIL_EVENTS: "GlitchTip ignores without a condition",
        Feature.IGNORE_UNTIL_USERS: "GlitchTip ignores without a condition",
        Feature.IGNORE_UNTIL_ESCALATING: "GlitchTip ignores without a condition",
        Feature.RESOLVE_NEXT_RELEASE: "GlitchTip resolves without a release",
        Feature.RESOLVE_IN_RELEASE: "GlitchTip resolves without a release",
        Feature.ASSIGN: "GlitchTip issues have no assignee",
        Feature.SYMBOL_SETS: _NO_SYMBOL_SETS,
        Feature.SYMBOL_UPLOAD: _NO_SYMBOL_SETS,
    }
)


def update_body(
    change: Change, status_bodies: Mapping[StatusAction, Mapping[str, Any]]
) -> dict[str, Any]:
    """The issue PUT body for `change`; `status_bodies` holds the dialect's plain ones."""
    if isinstance(change, AssignChange):
        return {"assignedTo": assigned_to(change.assignee)}
    if change.release:
        return {"status": "resolved", "statusDetails": {"inRelease": change.release}}
    until = change.until
    if until and until.escalating:
        return {"status": "ignored", "substatus": "archived_until_escalating"}
    if until:
        details = {wire: getattr(until, name) for name, wire in IGNORE_DETAILS}
        if until.until and not until.minutes:
            # Undoing an ignore Sentry reported only by its end: ignore for what is left of it.
            left = (until.until - datetime.now(UTC)).total_seconds()
            details["ignoreDuration"] = max(1, math.ceil(left / 60))
        return {
            "status": "ignored",
            "substatus": "archived_until_condition_met",
            "statusDetails": {k: v for k, v in details.items() if v},
        }
    body = status_bodies.get(change.action)
    if body is None:
        raise Unsupported(f"this server cannot {change.describe()}")
    return dict(body)


def assigned_to(assignee: Assignee | None) -> str:
    """`assignedTo` as Sentry takes it: `user:ID`, `team:ID`, or "" to unassign."""
    return f"{assignee.kind}:{assignee.id}" if assignee else ""


def parse_member(data: Mapping[str, Any]) -> Assignee | None:
    """An organisation member; invited ones without a user account cannot be assigned."""
    user = as_dict(data.get("user"))
    if not user.get("id"):
        return None
    return Assignee(
        kind="user",
        id=as_id(user.get("id")),
        name=as_str(user.get("name") or data.get("name") or user.get("username")),
        email=as_str(user.get("email") or data.get("email")),
    )


def parse_team(data: Mapping[str, Any]) -> Assignee | None:
    if not data.get("id"):
        return None
    return Assignee(kind="team", id=as_id(data.get("id")), name=as_str(data.get("slug")))


def parse_user(data: Any) -> Assignee:
    """`/api/0/users/me/`."""
    user = as_dict(data)
    name = as_str(user.get("name") or user.get("username"))
    return Assignee("user", as_id(user.get("id")), name, as_str(user.get("email")))


def parse_activity(data: Any) -> Activity:
    """One item of an issue's `activity`, or the answer to a new comment."""
    item = as_dict(data)
    user = as_dict(item.get("user"))
    details = as_dict(item.get("data"))
    return Activity(
        when=parse_datetime(item.get("dateCreated")),
        author=as_str(user.get("name") or user.get("email")) or "Sentry",
        kind=as_str(item.get("type")),
        text=_activity_text(details),
    )


def comment_body(text: str, dialect: str) -> dict[str, Any]:
    """A new comment: Sentry takes `{"text"}`, GlitchTip `{"data": {"text"}}`."""
    return {"data": {"text": text}} if dialect == "glitchtip" else {"text": text}


def parse_activities(data: Any) -> tuple[Activity, ...]:
    return tuple(parse_activity(item) for item in as_list(data))


def _activity_text(details: Mapping[str, Any]) -> str:
    if details.get("text"):
        return as_str(details["text"])
    # Status and assignment entries say what they did in a few fields.
    shown = ("assignee", "assigneeEmail", "version", "ignoreDuration", "ignoreCount")
    return ", ".join(f"{k}: {as_str(details[k])}" for k in shown if details.get(k))
