"""An event's grouping information as labelled rows, for the issue screen and the CLI."""

from __future__ import annotations

from tui.model import Grouping

GROUPING_TITLE = "grouping"
NOT_REPORTED = "this server reports nothing about how it grouped the event"


def grouping_pairs(grouping: Grouping) -> list[tuple[str, str]]:
    """`(label, value)` rows: the SDK's fingerprint, the server's hashes and config, Sentry's
    variants (the one that grouped the event marked), the issue's fingerprints or key."""
    pairs: list[tuple[str, str]] = []
    if grouping.fingerprint:
        pairs.append(("SDK fingerprint", " · ".join(grouping.fingerprint)))
    pairs += [("event hash", value) for value in grouping.hashes]
    if grouping.config:
        pairs.append(("grouping config", grouping.config))
    for variant in grouping.variants:
        mark = "grouped by this · " if variant.contributes else ""
        parts = " · ".join(variant.values)
        detail = f"{mark}{variant.description}" + (f" ({parts})" if parts else "")
        pairs.append((f"variant {variant.name}", f"{variant.hash or '-'}  {detail}".rstrip()))
    pairs += [("issue fingerprint", value) for value in grouping.issue_fingerprints]
    if grouping.issue_key:
        pairs.append(("issue key", grouping.issue_key))
    return pairs
