"""Re-record stackdeck's demo data from the real Sentry SDKs.

One command, from the repository root (needs Node.js 20+ and npm; no network beyond `npm ci`
the first time, no Sentry account):

    .venv/bin/python tests/recorders/record_demo.py [--python-only]

What it does:
1. Python: runs the billing app in `billing_app/` behind sentry-sdk's WSGI middleware (and one
   background job) with an in-memory transport (`record_python.py`).
2. JavaScript: `npm ci` in `js/` when `node_modules` is missing, bundles and minifies the shop in
   `js/src/` with esbuild and injects a debug id (`js/build.mjs`), then runs the bundle under
   @sentry/node once per session with an in-memory transport (`js/record.mjs`).
3. Writes into `tui/demo/data/` (replacing what was there):
   - `ingest/python/NN-<bug>.json`, `ingest/javascript/NN-<bug>.json`: the raw SDK events;
   - `symbols/index-<hash>.js` and `.js.map`: the minified bundle and its source map;
   - `sentry/issues.json` and `sentry/events/<issue id>.json`: the same events as Sentry's web API
     returns them (`to_sentry_api.py`).
Timestamps are the real recording times; the demo transport shifts them to "now".
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

RECORDERS_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(RECORDERS_DIR))

import record_python  # noqa: E402
from to_sentry_api import Project, convert  # noqa: E402

REPO_ROOT = RECORDERS_DIR.parents[1]
DATA_DIR = REPO_ROOT / "tui" / "demo" / "data"
JS_DIR = RECORDERS_DIR / "js"

BILLING_API = Project(id="4504211", slug="billing-api", name="billing-api", platform="python")
SHOP_WEB = Project(id="4504377", slug="shop-web", name="shop-web", platform="javascript")

JS_SESSIONS: tuple[tuple[str, dict[str, Any]], ...] = (
    (
        "withdrawn_product",
        {
            "user": {"id": "c_8812", "email": "ada@example.com"},
            "tags": {"page": "checkout", "ab.checkout": "one-page"},
            "cart": {
                "id": "cart_5Hq2",
                "currency": "EUR",
                "lines": [
                    {"sku": "SKU-TEE-01", "quantity": 2},
                    {"sku": "SKU-HOODIE-09", "quantity": 1},
                ],
            },
        },
    ),
    (
        "unknown_currency",
        {
            "user": {"id": "c_1203", "email": "bo@example.com"},
            "tags": {"page": "checkout", "ab.checkout": "classic"},
            "cart": {
                "id": "cart_9Lm4",
                "currency": "€",
                "lines": [{"sku": "SKU-MUG-02", "quantity": 1}],
            },
        },
    ),
    (
        "withdrawn_product",
        {
            "user": {"id": "c_0457", "email": "chen@example.com"},
            "tags": {"page": "checkout", "ab.checkout": "classic"},
            "cart": {
                "id": "cart_2Xv7",
                "currency": "GBP",
                "lines": [{"sku": "SKU-SOCKS-04", "quantity": 3}],
            },
        },
    ),
    (
        "withdrawn_product",
        {
            "user": {"id": "c_8812", "email": "ada@example.com"},
            "tags": {"page": "checkout", "ab.checkout": "one-page"},
            "cart": {
                "id": "cart_5Hq2",
                "currency": "EUR",
                "lines": [{"sku": "SKU-HOODIE-09", "quantity": 1}],
            },
        },
    ),
    (
        "unknown_currency",
        {
            "user": {"id": "c_3390", "email": "dana@example.com"},
            "tags": {"page": "checkout", "ab.checkout": "one-page"},
            "cart": {
                "id": "cart_7Pp1",
                "currency": "Euro",
                "lines": [{"sku": "SKU-CAP-03", "quantity": 2}],
            },
        },
    ),
)


def _run(command: list[str], cwd: Path) -> str:
    return subprocess.run(command, cwd=cwd, check=True, capture_output=True, text=True).stdout


def record_javascript() -> tuple[list[tuple[str, dict[str, Any]]], dict[str, Any]]:
    if not (JS_DIR / "node_modules").is_dir():
        _run(["npm", "ci", "--no-audit", "--no-fund"], JS_DIR)
    build = json.loads(_run(["node", "build.mjs"], JS_DIR))
    recorded: list[tuple[str, dict[str, Any]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for number, (bug, session) in enumerate(JS_SESSIONS):
            out = Path(tmp) / f"{number}.json"
            _run(["node", "record.mjs", build["bundlePath"], json.dumps(session), str(out)], JS_DIR)
            recorded.extend((bug, event) for event in json.loads(out.read_text()))
    return recorded, build


def _compact(data: Any) -> str:
    # ensure_ascii keeps control characters and escapes visible in the committed files.
    return json.dumps(data, ensure_ascii=True, separators=(",", ":"))


def _dump(path: Path, data: Any) -> None:
    """Compact JSON to keep the data small; a list gets one item a line for readable diffs."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, list):
        text = "[\n" + ",\n".join(_compact(item) for item in data) + "\n]"
    else:
        text = _compact(data)
    path.write_text(text + "\n")


def write_ingest(kind: str, recorded: list[tuple[str, dict[str, Any]]]) -> None:
    for number, (bug, event) in enumerate(recorded, start=1):
        _dump(DATA_DIR / "ingest" / kind / f"{number:02d}-{bug}.json", event)


def write_symbols(build: dict[str, Any]) -> None:
    symbols = DATA_DIR / "symbols"
    symbols.mkdir(parents=True, exist_ok=True)
    for source in (Path(build["bundlePath"]), Path(build["mapPath"])):
        shutil.copyfile(source, symbols / source.name)


def fixes(python_events: list[tuple[str, dict[str, Any]]]) -> dict[str, str]:
    """The last event of each fixed bug before the release that fixed it -> that release."""
    order = record_python.RELEASES
    found = {}
    for bug, fixed_in in record_python.FIXED_IN.items():
        before = [
            event
            for name, event in python_events
            if name == bug and order.index(event["release"]) < order.index(fixed_in)
        ]
        found[before[-1]["event_id"]] = fixed_in
    return found


def clear_main_recording() -> None:
    """Remove `sentry/issues.json` and its events; the `issues-<topic>.json` recordings of
    other features, and their events, stay."""
    main = DATA_DIR / "sentry" / "issues.json"
    if main.exists():
        for issue in json.loads(main.read_text()):
            (DATA_DIR / "sentry" / "events" / f"{issue['id']}.json").unlink(missing_ok=True)
        main.unlink()


def recorded_javascript() -> list[tuple[str, dict[str, Any]]]:
    """The JavaScript events already committed, for a re-recording of the Python side alone."""
    found = sorted((DATA_DIR / "ingest" / "javascript").glob("*.json"))
    return [(path.stem.split("-", 1)[1], json.loads(path.read_text())) for path in found]


def main() -> None:
    """`--python-only` re-records the billing app and keeps the committed JavaScript
    recordings (no Node.js needed); the source map and bundle stay as they are."""
    python_only = "--python-only" in sys.argv[1:]
    python_events = record_python.record()
    if python_only:
        js_events = recorded_javascript()
    else:
        js_events, build = record_javascript()
    for stale in ("ingest/python",) if python_only else ("ingest", "symbols"):
        shutil.rmtree(DATA_DIR / stale, ignore_errors=True)
    clear_main_recording()
    write_ingest("python", python_events)
    if not python_only:
        write_ingest("javascript", js_events)
        write_symbols(build)
    recorded = [(BILLING_API, event) for _, event in python_events]
    recorded += [(SHOP_WEB, event) for _, event in js_events]
    issues, events = convert(recorded, fixes(python_events))
    _dump(DATA_DIR / "sentry" / "issues.json", issues)
    for issue_id, details in events.items():
        _dump(DATA_DIR / "sentry" / "events" / f"{issue_id}.json", details)
    print(f"{len(issues)} issues, {len(recorded)} events written under {DATA_DIR}")


if __name__ == "__main__":
    main()
