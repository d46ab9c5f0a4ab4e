"""The demo PostHog organisation's people: members, roles, the token's user, and the activity
log that assignments and status changes leave on an issue."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx

DEMO_PEOPLE = (
    {"id": 1, "uuid": "0190a1b2-0000-7000-8000-000000000001", "first_name": "Ada",
     "last_name": "Lovelace", "email": "ada@shop.example"},
    {"id": 2, "uuid": "0190a1b2-0000-7000-8000-000000000002", "first_name": "Grace",
     "last_name": "Hopper", "email": "grace@shop.example"},
)  # fmt: skip
"""The token belongs to the first."""
DEMO_ROLES = ({"id": "0190a1b2-0000-7000-8000-0000000000a1", "name": "Support"},)
ORG_PREFIX = "/api/organizations/@current/"


def org_route(path: str) -> httpx.Response | None:
    """The answer for an organisation or user route, None for any other path."""
    if path == "/api/users/@me/":
        return httpx.Response(200, json=DEMO_PEOPLE[0])
    if path == ORG_PREFIX + "members/":
        members = [{"id": f"m{p['id']}", "level": 8, "user": p} for p in DEMO_PEOPLE]
        return httpx.Response(200, json={"next": None, "results": members})
    if path == ORG_PREFIX + "roles/":
        return httpx.Response(200, json={"next": None, "results": list(DEMO_ROLES)})
    return None


def known_assignee(assignee: Any) -> bool:
    """Whether a PATCH's `assignee` (null, or `{type, id}`) names a demo user or role."""
    if assignee is None:
        return True
    if not isinstance(assignee, dict):
        return False
    people = {("user", p["id"]) for p in DEMO_PEOPLE} | {("role", r["id"]) for r in DEMO_ROLES}
    return (assignee.get("type"), assignee.get("id")) in people


def activity_entry(issue: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """An activity-log entry for `changes` (field -> new value) made by the token's user."""
    return {
        "user": {"first_name": DEMO_PEOPLE[0]["first_name"], "email": DEMO_PEOPLE[0]["email"]},
        "activity": "updated",
        "scope": "ErrorTrackingIssue",
        "item_id": issue["id"],
        "created_at": datetime.now(UTC).isoformat(),
        "detail": {
            "changes": [
                {"field": k, "before": issue.get(k), "after": v, "action": "changed"}
                for k, v in changes.items()
            ]
        },
    }
