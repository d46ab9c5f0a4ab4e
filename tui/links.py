"""Links between Sentry and PostHog events, as PostHog's Sentry integration writes them, and
which configured profile each link leads to.

The integration (posthog-js `sentry-integration.ts`, posthog-node `PostHogSentryIntegration`,
and the older Python `posthog.sentry.PostHogIntegration`) tags the Sentry event with the
app's `posthog_distinct_id` and a `PostHog Person URL` (`PostHog URL` in the Python one), and
captures a PostHog `$exception` with `$sentry_event_id` and, given the Sentry organisation
and project, `$sentry_url` (`.../organizations/<org>/issues/?project=<id>&query=<event id>`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote, urlsplit

from tui.model import EventLinks

if TYPE_CHECKING:
    from tui.config import Profile

DISTINCT_ID_TAG = "posthog_distinct_id"
PERSON_URL_TAGS = ("PostHog Person URL", "PostHog URL")
SENTRY_BACKENDS = ("sentry",)
"""Where a `$sentry_event_id` resolves: Sentry's `eventids` lookup (GlitchTip has none)."""
POSTHOG_BACKENDS = ("posthog",)
_EVENT_ID = re.compile(r"[0-9a-fA-F]{32}")


def links_from_tags(tags: Iterable[tuple[str, str]]) -> EventLinks:
    """The PostHog side of a Sentry event, from its tags."""
    found = dict(tags)
    url = next((found[k] for k in PERSON_URL_TAGS if found.get(k)), "")
    distinct_id = found.get(DISTINCT_ID_TAG, "") or _person_from_url(url)
    return EventLinks(posthog_distinct_id=distinct_id, posthog_person_url=url)


def links_from_properties(properties: Mapping[str, Any]) -> EventLinks:
    """The Sentry side of a PostHog `$exception` event, from its properties."""

    def text(key: str) -> str:
        value = properties.get(key)
        return value if isinstance(value, str) else ""

    given = text("$sentry_event_id")
    # A malformed id yields to the URL's; kept when there is none, so `X` can say why not.
    from_url = "" if is_sentry_event_id(given) else _event_from_url(text("$sentry_url"))
    event_id = from_url or given
    return EventLinks(sentry_event_id=event_id.replace("-", ""), sentry_url=text("$sentry_url"))


def is_sentry_event_id(event_id: str) -> bool:
    """32 hex digits (dashes allowed, as in a UUID): nothing else names a Sentry event."""
    return _EVENT_ID.fullmatch(event_id.replace("-", "")) is not None


@dataclass(frozen=True)
class LinkTarget:
    """Where `X` leads: a profile and what to open there (a person's issues or one event)."""

    profile: str
    person: str = ""
    event_id: str = ""


def link_target(links: EventLinks, profiles: Sequence[Profile], current: str) -> LinkTarget | str:
    """The profile and the thing a link opens, or why there is none (in words for the user).

    The profile is the one of the right kind whose host (and Sentry organisation) the link
    names; else the only one of that kind; the current profile wins a tie.
    """
    if links.posthog_distinct_id:
        found = _profile_for(links.posthog_person_url, profiles, POSTHOG_BACKENDS, current)
        if isinstance(found, str):
            return f"this event links to a PostHog person, but {found}"
        return LinkTarget(found.name, person=links.posthog_distinct_id)
    if links.sentry_event_id:
        if not is_sentry_event_id(links.sentry_event_id):
            return "this event links to a Sentry event, but its id is not 32 hex digits"
        found = _profile_for(links.sentry_url, profiles, SENTRY_BACKENDS, current)
        if isinstance(found, str):
            return f"this event links to a Sentry event, but {found}"
        return LinkTarget(found.name, event_id=links.sentry_event_id)
    return "this event carries no Sentry <-> PostHog link (posthog_distinct_id, $sentry_event_id)"


def _profile_for(
    url: str, profiles: Sequence[Profile], backends: Sequence[str], current: str
) -> Profile | str:
    kind = [p for p in profiles if p.backend in backends]
    if not kind:
        return f"no {backends[0]} profile is configured"
    host = _host(url)
    same_host = [p for p in kind if host and _host(p.url) == host]
    org = _sentry_org(url)
    same_org = [p for p in same_host if org and p.org == org]
    for candidates in (same_org, same_host, kind if len(kind) == 1 else []):
        if candidates:
            return next((p for p in candidates if p.name == current), candidates[0])
    names = ", ".join(p.name for p in kind)
    return f"none of the {backends[0]} profiles ({names}) is at {host or 'its address'}"


def _host(url: str) -> str:
    """The host, the same for PostHog's ingestion and app hosts (`us.i.posthog.com` is
    `us.posthog.com`) and Sentry's region hosts (`us.sentry.io` is `sentry.io`)."""
    host = (urlsplit(url).hostname or "").lower()
    host = host.replace(".i.posthog.com", ".posthog.com")
    for region in ("us.sentry.io", "de.sentry.io"):
        if host == region or host.endswith("." + region):
            return "sentry.io"
    return host


def _sentry_org(url: str) -> str:
    parts = urlsplit(url).path.strip("/").split("/")
    return parts[1] if len(parts) > 1 and parts[0] == "organizations" else ""


def _person_from_url(url: str) -> str:
    """`.../person/<distinct id>`: the older SDKs put only the URL on the event."""
    path = urlsplit(url).path
    return unquote(path.rsplit("/person/", 1)[1].strip("/")) if "/person/" in path else ""


def _event_from_url(url: str) -> str:
    query = parse_qs(urlsplit(url).query).get("query", [""])[0].strip()
    return query if is_sentry_event_id(query) else ""
