"""Grouping information in each server's wire format -> `Grouping`.

Sentry: the event's `fingerprints` (its hashes) and the SDK's `fingerprint` where the raw event
is served (Bugsink); `GET /api/0/projects/{org}/{project}/events/{id}/grouping-info/` answers
`{"grouping_config": id, "variants": {name: variant}}` (older servers: the variants alone,
each with its `config.id`), a variant being `{type, description, hash, hashMismatch,
contributes, key, component, values?}` (getsentry/sentry `grouping/grouping_info.py`,
`grouping/variants.py`). PostHog: `$exception_fingerprint` on each event; an issue's
fingerprints from `GET .../error_tracking/fingerprints/?issue_id=<uuid>`
(`{count, next, previous, results: [{fingerprint, issue_id, created_at}]}`). Bugsink keys an
issue by its type, value and transaction (or the SDK fingerprint, `{{ default }}` standing
for that key; bugsink `issues/utils.py` `get_issue_grouper_for_data`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tui.backends.coerce import as_dict, as_list, as_str
from tui.model import Grouping, GroupingVariant, Issue


def event_grouping(data: Mapping[str, Any]) -> Grouping:
    """What a Sentry-format event says itself: the SDK fingerprint, the server's hashes."""
    return Grouping(
        fingerprint=_strings(data.get("fingerprint")), hashes=_strings(data.get("fingerprints"))
    )


def posthog_event_grouping(properties: Mapping[str, Any]) -> Grouping:
    fingerprint = as_str(properties.get("$exception_fingerprint"))
    return Grouping(hashes=(fingerprint,) if fingerprint else ())


def parse_grouping_info(data: Any) -> tuple[str, tuple[GroupingVariant, ...]]:
    """Sentry's grouping config id and the variants, contributing ones first."""
    answer = as_dict(data)
    nested = answer.get("variants")
    variants = as_dict(nested) if isinstance(nested, Mapping) else answer
    parsed = [_variant(name, as_dict(v)) for name, v in variants.items() if isinstance(v, Mapping)]
    config = as_str(answer.get("grouping_config")) or next(
        (
            c
            for v in variants.values()
            if (c := as_str(as_dict(as_dict(v).get("config")).get("id")))
        ),
        "",
    )
    return config, tuple(sorted(parsed, key=lambda v: not v.contributes))


def parse_fingerprints(data: Any) -> tuple[str, ...]:
    """The fingerprints of PostHog's fingerprint list (paginated or a bare list)."""
    rows = as_list(as_dict(data).get("results")) if isinstance(data, Mapping) else as_list(data)
    found = (as_str(as_dict(row).get("fingerprint")) for row in rows)
    return tuple(dict.fromkeys(f for f in found if f))


def bugsink_issue_key(issue: Issue) -> str:
    """The type, value and transaction a Bugsink issue carries, joined as Bugsink joins them."""
    title = f"{issue.type}: {issue.value.splitlines()[0]}" if issue.value else issue.type
    return f"{title} ⋄ {issue.culprit or '<no transaction>'}"


def _variant(name: str, data: Mapping[str, Any]) -> GroupingVariant:
    return GroupingVariant(
        name=as_str(data.get("key")) or name,
        description=as_str(data.get("description")),
        hash=as_str(data.get("hash")),
        contributes=data.get("contributes") is True,
        values=_strings(data.get("values")),
    )


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(as_str(v) for v in as_list(value) if v is not None)
