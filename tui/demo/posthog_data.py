"""The PostHog demo's recorded data: loading, replaying it up to now, and its symbol set.

Recorded by `tests/recorders/record_posthog.py` into `data/posthog/demo.json.xz` (xz keeps the
demo data within its size budget).
"""

from __future__ import annotations

import copy
import json
import lzma
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tui.backends.posthog_symbols import build_symbol_set
from tui.backends.sentry_parse import parse_datetime
from tui.demo.server import REPLAY_SPAN

DATA_DIR = Path(__file__).resolve().parent / "data"
DEMO_DATA = DATA_DIR / "posthog" / "demo.json.xz"
POSTHOG_SNIPPET = (
    ';!function(){{try{{var e="undefined"!=typeof window?window:"undefined"!=typeof global?global:'
    '"undefined"!=typeof globalThis?globalThis:"undefined"!=typeof self?self:{{}},n=(new e.Error)'
    '.stack;n&&(e._posthogChunkIds=e._posthogChunkIds||{{}},e._posthogChunkIds[n]="{chunk_id}")'
    "}}catch(e){{}}}}();"
)
"""The snippet `posthog-cli sourcemap inject` puts into a bundle."""


def inject_chunk_id(bundle: str, chunk_id: str) -> str:
    """Swap the bundle's Sentry debug-id line for PostHog's chunk-id snippet (same line count,
    so the source map stays valid) and its `//# debugId=` comment for `//# chunkId=`."""
    first, rest = bundle.split("\n", 1)
    if "_sentryDebugIds" not in first:
        raise ValueError("the bundle's first line is not the debug-id snippet build.mjs writes")
    rest = re.sub(r"//# debugId=\S+", f"//# chunkId={chunk_id}", rest)
    return POSTHOG_SNIPPET.format(chunk_id=chunk_id) + "\n" + rest


def load_demo_data() -> dict[str, Any]:
    """`chunk_id`, `issues`, `events` (as recorded, not replayed) and frame `frames` contexts.

    `data/posthog/extra-<topic>.json` files, recorded for one feature each, add their `issues`,
    `events` and `frames` to the main recording."""
    data: dict[str, Any] = json.loads(lzma.decompress(DEMO_DATA.read_bytes()))
    for extra in sorted(DEMO_DATA.parent.glob("extra-*.json")):
        more = json.loads(extra.read_text(encoding="utf-8"))
        data["issues"] += more.get("issues", [])
        data["events"] += more.get("events", [])
        data["frames"].update(more.get("frames", {}))
    return data


def demo_symbol_set(chunk_id: str) -> bytes:
    """The shop bundle with PostHog's chunk id injected, and its map, as a symbol-set blob."""
    bundle = next((DATA_DIR / "symbols").glob("index-*.js"))
    minified = inject_chunk_id(bundle.read_text(encoding="utf-8"), chunk_id)
    return build_symbol_set(minified.encode(), bundle.with_name(bundle.name + ".map").read_bytes())


def replayed(events: list[dict[str, Any]], now: datetime) -> list[dict[str, Any]]:
    """The recordings spread over the last `REPLAY_SPAN` in their recorded order, newest just
    now, on a schedule that thins out into the past (as the Sentry demo does)."""
    events = copy.deepcopy(events)
    ranked = sorted(events, key=_when, reverse=True)
    newest = now - timedelta(minutes=4)
    for rank, event in enumerate(ranked):
        slot = newest - REPLAY_SPAN * (rank / max(1, len(ranked) - 1)) ** 2
        event["timestamp"] = slot.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return events


def _when(event: dict[str, Any]) -> datetime:
    return parse_datetime(event.get("timestamp")) or datetime.min.replace(tzinfo=UTC)
