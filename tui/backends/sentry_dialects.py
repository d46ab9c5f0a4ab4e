"""What differs between Sentry's web API and GlitchTip's dialect of it; the rest is shared."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tui.backends.base import EVENT_LATEST, EVENT_OLDEST, EVENT_RECOMMENDED
from tui.backends.sentry_triage import GLITCHTIP_CAPABILITIES, SENTRY_CAPABILITIES
from tui.model import Capabilities, StatusAction


@dataclass(frozen=True)
class Dialect:
    """What differs between Sentry and GlitchTip; everything else is shared."""

    name: str
    sorts: Mapping[str, str]
    """stackdeck sort name (Sentry's) -> the value this server expects, default first."""
    scoped_issue_paths: bool
    """Sentry: `/organizations/{org}/issues/{id}/`; GlitchTip has only `/issues/{id}/`."""
    event_refs: frozenset[str]
    status_bodies: Mapping[StatusAction, Mapping[str, Any]]
    sends_stats_period: bool
    short_id_route: bool
    """Sentry resolves short ids at `shortids/{id}/`; GlitchTip has no such route (its web
    frontend answers there), so its short ids are found by listing the project's issues."""
    shell_split_query: bool
    """GlitchTip splits the query with `shlex` and answers 500 to an unbalanced quote."""
    region_lookup: bool
    """sentry.io puts each organisation on a region host named by `links.regionUrl`."""
    releases_on_detail: bool
    """Sentry names an issue's first and last release on its detail only, not in the list;
    GlitchTip names none."""
    capabilities: Capabilities


SENTRY = Dialect(
    name="sentry",
    sorts={s: s for s in ("date", "new", "freq", "user", "trends", "recommended")},
    scoped_issue_paths=True,
    event_refs=frozenset({EVENT_LATEST, EVENT_OLDEST, EVENT_RECOMMENDED}),
    status_bodies={
        StatusAction.RESOLVE: {"status": "resolved"},
        StatusAction.REOPEN: {"status": "unresolved"},
        StatusAction.IGNORE: {"status": "ignored", "substatus": "archived_until_escalating"},
        StatusAction.RESOLVE_NEXT_RELEASE: {
            "status": "resolved",
            "statusDetails": {"inNextRelease": True},
        },
    },
    sends_stats_period=True,
    short_id_route=True,
    shell_split_query=False,
    region_lookup=True,
    releases_on_detail=True,
    capabilities=SENTRY_CAPABILITIES,
)

GLITCHTIP = Dialect(
    name="glitchtip",
    sorts={"date": "-last_seen", "new": "-first_seen", "freq": "-count", "priority": "-priority"},
    scoped_issue_paths=False,
    event_refs=frozenset({EVENT_LATEST}),
    status_bodies={
        StatusAction.RESOLVE: {"status": "resolved"},
        StatusAction.REOPEN: {"status": "unresolved"},
        StatusAction.IGNORE: {"status": "ignored"},
    },
    sends_stats_period=False,
    short_id_route=False,
    shell_split_query=True,
    region_lookup=False,
    releases_on_detail=False,
    capabilities=GLITCHTIP_CAPABILITIES,
)

DIALECTS = {d.name: d for d in (SENTRY, GLITCHTIP)}
