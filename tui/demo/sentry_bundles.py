"""The Sentry demo's artifact bundles (`files/artifact-bundles/`), as Sentry's
`ArtifactBundlesEndpoint` lists them: the shop bundle in `data/symbols/` for `shop-web`."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from importlib import resources
from typing import Any

import httpx

ARTIFACT_BUNDLES_PATH = re.compile(
    r"^/api/0/projects/(?P<org>[^/]+)/(?P<project>[^/]+)/files/artifact-bundles/$"
)
BUNDLED_PROJECT = "shop-web"
RELEASE = "shop-web@1.9.0"


def artifact_bundles(project: str, now: datetime | None = None) -> httpx.Response:
    """The project's bundles: one for the shop front-end (uploaded three days before `now`, as
    the recordings are replayed up to now), none elsewhere."""
    if project != BUNDLED_PROJECT:
        return httpx.Response(200, json=[])
    symbols = resources.files("tui.demo") / "data" / "symbols"
    map_file = next(f for f in symbols.iterdir() if f.name.endswith(".js.map"))
    debug_id = json.loads(map_file.read_text(encoding="utf-8"))["debug_id"]
    uploaded = (now or datetime.now(UTC)) - timedelta(days=3)
    bundle: dict[str, Any] = {
        "bundleId": debug_id,
        "associations": [{"release": RELEASE, "dist": None}],
        "fileCount": 2,
        "date": _iso(uploaded),
        "dateModified": _iso(uploaded),
    }
    return httpx.Response(200, json=[bundle])


def _iso(moment: datetime) -> str:
    """Sentry's format: seconds, then `Z`."""
    return moment.isoformat()[:19] + "Z"
