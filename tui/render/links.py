"""Sentry <-> PostHog links of an event as labelled rows, for the issue screen and the CLI."""

from __future__ import annotations

from tui.model import EventLinks

LINKS_TITLE = "linked (X opens it)"


def link_pairs(links: EventLinks) -> list[tuple[str, str]]:
    """`(label, value)` for each link the event carries, ids before addresses."""
    pairs = (
        ("PostHog person", links.posthog_distinct_id),
        ("PostHog Person URL", links.posthog_person_url),
        ("Sentry event", links.sentry_event_id),
        ("Sentry URL", links.sentry_url),
    )
    return [(label, value) for label, value in pairs if value]


def is_address(label: str) -> bool:
    return label.endswith("URL")
