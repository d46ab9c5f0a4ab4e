"""Re-record the PostHog demo data from the real PostHog SDKs; writes `tui/demo/data/posthog/`.

One command, from the repository root (needs the `posthog` package in the venv, Node.js 20+ and
npm; no network beyond `npm ci` the first time, no PostHog account):

    .venv/bin/python tests/recorders/record_posthog.py [--extra-symbols]

1. Python: the billing app's scenarios (the requests and the ledger job of `record_python.py`)
   inside `posthog.new_context(client=...)` (user and request tags) with the SDK's
   `capture_exception` on what escapes the app; the SDK's HTTP sender (`batch_post`) is
   replaced, so each batch is kept.
2. JavaScript: the shop bundle (`js/build.mjs`) with PostHog's chunk-id snippet and `//# chunkId=`
   comment in place of Sentry's debug-id ones (as `posthog-cli sourcemap inject` writes them),
   run once per session through posthog-js' own error-properties builder (`posthog_js/`).
3. What PostHog's server does next, done here so that the demo server only replays: events are
   grouped into issues (one per bug) and frames are processed the way PostHog's `cymbal` does.
   Python frames become `resolved` frames, their source lines kept apart for
   `stack_frames/batch_get`. JavaScript: `withdrawn_product` frames are resolved with the
   symbol set (by stackdeck's own symbolicator), except the oldest event, processed "before the
   upload" with `resolve_failure` (the reason text is illustrative); `unknown_currency` events
   keep the raw frames the SDK sent, which stackdeck resolves locally by chunk id.

With `--extra-symbols` it records only the symbol-sets feature's event into
`tui/demo/data/posthog/extra-symbols.json`: the shop bundle served as `admin-7Q2MZ1XA.js` with a
chunk id for which no symbol set exists (the demo server has none; the bundled symbols folder
holds only `index-*.js`), run through posthog-js like the rest. Its raw frames (kept as the SDK
sent them, as for `unknown_currency`) name that chunk id: the map stackdeck cannot find, shown
under "Missing" on the Symbol sets screen.

Writes `tui/demo/data/posthog/demo.json.xz` (issues, processed events, frame contexts and the
chunk id; xz keeps the demo data within its size budget) and, under `tests/fixtures/posthog/`,
the SDK payloads as sent (`python_sdk_events.json`: the first event of each bug but the 53-frame
recursion; `js_sdk_events.json`: all). The demo server injects the chunk id into the bundle in
`tui/demo/data/symbols/` itself (`inject_chunk_id`), so no second copy of the bundle is kept.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import lzma
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from unittest import mock

import posthog.client
from posthog import Posthog, identify_context, new_context, tag

RECORDERS_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(RECORDERS_DIR))
REPO_ROOT = RECORDERS_DIR.parents[1]
sys.path.insert(0, str(REPO_ROOT))

import record_demo  # noqa: E402
import record_python  # noqa: E402
from billing_app.services.invoices import Invoice, post_invoices  # noqa: E402
from billing_app.wsgi import application  # noqa: E402

from tui.backends.posthog_parse import parse_exception_list  # noqa: E402
from tui.backends.posthog_symbols import PostHogSymbolSource, build_symbol_set  # noqa: E402
from tui.demo.posthog_data import DEMO_DATA, inject_chunk_id  # noqa: E402
from tui.model import Frame  # noqa: E402
from tui.symbols import SymbolCache, Symbolicator  # noqa: E402

FIXTURES = REPO_ROOT / "tests" / "fixtures" / "posthog"
JS_DIR = RECORDERS_DIR / "js"
PH_JS_DIR = RECORDERS_DIR / "posthog_js"
API_KEY = "phc_stackdeckDemoRecording0000000000000000"
STATUSES = {
    "export_template": "resolved",
    "hostile_message": "suppressed",
    "refund_json": "pending_release",
}
"""Statuses the demo issues start with; the rest are `active`."""
MISSING_CHUNK_BUG = "admin_cart_without_lines"
MISSING_CHUNK_BUNDLE = "admin-7Q2MZ1XA.js"
MISSING_CHUNK_ID = str(uuid.uuid5(uuid.NAMESPACE_URL, "https://shop.example.com/assets/admin"))
MISSING_CHUNK_SESSION = {
    "user": {"id": "c_0457", "email": "cy@example.com"},
    "tags": {"page": "admin/orders", "ab.checkout": "one-page"},
    "cart": {"id": "cart_admin_7", "currency": "EUR"},  # an order saved without its lines
}
RAW_JS_BUGS = frozenset({"unknown_currency", MISSING_CHUNK_BUG})
"""Events whose frames stay as the SDK sent them, for stackdeck to resolve (or miss) locally."""
EXTRA_SYMBOLS = DEMO_DATA.parent / "extra-symbols.json"
MACHINE_PROPERTIES = ("$os_version", "$os_distro", "$python_runtime", "$python_version")
SESSION_META = {
    "c_8812": ("Chrome", "Windows"),
    "c_1203": ("Safari", "Mac OS X"),
    "c_0457": ("Firefox", "Linux"),
    "c_3390": ("Chrome", "Android"),
}


def record_python_sdk() -> list[tuple[str, dict[str, Any]]]:
    """Every scenario through posthog-python; `(bug, message as the SDK sent it)`."""
    batches: list[list[dict[str, Any]]] = []
    with mock.patch.object(
        posthog.client, "batch_post", lambda *a, **k: batches.append(k["batch"])
    ):
        client = Posthog(
            API_KEY,
            host="https://us.i.posthog.com",
            sync_mode=True,
            project_root=str(RECORDERS_DIR),
            enable_exception_autocapture=False,
        )
        scenarios: list[tuple[str, Callable[[], None]]] = [
            (req.bug, lambda req=req: _send(client, req)) for req in record_python.REQUESTS
        ]
        scenarios[4:4] = [
            ("ledger_group", lambda periods=periods: _ledger_job(client, periods))
            for periods in record_python.LEDGER_BATCHES
        ]
        recorded = []
        for bug, run in scenarios:
            before = len(batches)
            run()
            recorded += [(bug, msg) for batch in batches[before:] for msg in batch]
        client.shutdown()
    return [(bug, _portable(record_python._rewrite_paths(msg))) for bug, msg in recorded]


def _portable(message: dict[str, Any]) -> dict[str, Any]:
    """Without the recording machine's OS and interpreter details, which differ between a
    developer's machine and CI's: re-recordings stay comparable."""
    for key in MACHINE_PROPERTIES:
        message["properties"].pop(key, None)
    return message


def _send(client: Posthog, request: record_python.Request) -> None:
    environ = record_python._environ(request)
    with new_context(fresh=True, capture_exceptions=False, client=client):
        identify_context(request.user[0])
        tag("$current_url", f"https://billing.example.com{request.path}")
        tag("$request_method", request.method)
        tag("customer_tier", request.tier)
        tag("$set", {"email": request.user[1]})
        try:
            application(environ, lambda status, headers, exc_info=None: None)
        except Exception as exc:
            _capture(client, exc)


def _ledger_job(client: Posthog, closed: tuple[int, ...]) -> None:
    batch = [
        Invoice("INV-0990", "acme", 2024, [("Hosting", Decimal("120.00"))]),
        Invoice("INV-1001", "globex", 2025, []),
        Invoice("INV-1017", "initech", 2025, [("Licences", Decimal("450.00"))]),
    ]
    with new_context(fresh=True, capture_exceptions=False, client=client):
        identify_context("job:ledger.post_invoices")
        tag("job", "ledger.post_invoices")
        try:
            post_invoices(batch, set(closed))
        except Exception as exc:
            _capture(client, exc)


def _capture(client: Posthog, exc: BaseException) -> None:
    """`capture_exception`, without this harness's own frame at the top of the traceback: in a
    deployment the frames above the app would be the web server's or the job runner's."""
    if exc.__traceback__ is not None:
        exc = exc.with_traceback(exc.__traceback__.tb_next)
    client.capture_exception(exc)


def record_javascript_sdk(tmp: Path) -> tuple[list[tuple[str, dict[str, Any]]], Path, str]:
    """The shop's sessions through posthog-js' builder; also the injected bundle, chunk id."""
    build = _build_shop()
    chunk_id = build["debugId"]
    bundle = tmp / Path(build["bundlePath"]).name
    # Inject into the fresh build; the demo server injects into the committed copy the same way.
    source = Path(build["bundlePath"]).read_text(encoding="utf-8")
    bundle.write_text(inject_chunk_id(source, chunk_id), encoding="utf-8")
    recorded = [
        (bug, _record_session(bundle, number, session, tmp))
        for number, (bug, session) in enumerate(record_demo.JS_SESSIONS)
    ]
    return recorded, bundle, chunk_id


def record_missing_chunk(tmp: Path) -> tuple[list[tuple[str, dict[str, Any]]], str]:
    """The admin bundle's crash, its frames naming a chunk id with no symbol set."""
    build = _build_shop()
    bundle = tmp / MISSING_CHUNK_BUNDLE
    source = Path(build["bundlePath"]).read_text(encoding="utf-8")
    bundle.write_text(inject_chunk_id(source, MISSING_CHUNK_ID), encoding="utf-8")
    number = len(record_demo.JS_SESSIONS)  # a session id of its own
    return [(MISSING_CHUNK_BUG, _record_session(bundle, number, MISSING_CHUNK_SESSION, tmp))], (
        MISSING_CHUNK_ID
    )


def _build_shop() -> dict[str, Any]:
    for folder in (JS_DIR, PH_JS_DIR):
        if not (folder / "node_modules").is_dir():
            _run(["npm", "ci", "--no-audit", "--no-fund"], folder)
    build: dict[str, Any] = json.loads(_run(["node", "build.mjs"], JS_DIR))
    return build


def _record_session(bundle: Path, number: int, session: dict[str, Any], tmp: Path) -> Any:
    browser, system = SESSION_META[session["user"]["id"]]
    meta = {"session_id": str(_uuid7(1_763_700_000_000 + number, f"s{number}")), "os": system}
    out = tmp / f"{number}.json"
    args = [str(bundle), json.dumps({**session, **meta, "browser": browser}), str(out)]
    _run(["node", "record.mjs", *args], PH_JS_DIR)
    return json.loads(out.read_text(encoding="utf-8"))


def _run(command: list[str], cwd: Path) -> str:
    return subprocess.run(command, cwd=cwd, check=True, capture_output=True, text=True).stdout


def _uuid7(millis: int, seed: str) -> uuid.UUID:
    """A uuid7 (as PostHog's ids are) for a moment, with random bits derived from `seed`."""
    rand = int.from_bytes(hashlib.sha256(seed.encode()).digest()[:10], "big")
    value = (millis & (2**48 - 1)) << 80 | 0x7 << 76 | (rand >> 68 & 0xFFF) << 64
    value |= 0b10 << 62 | rand & (2**62 - 1)
    return uuid.UUID(int=value)


class Processor:
    """Groups events into issues and processes their frames, the way PostHog's server does."""

    def __init__(self, symbolicator: Symbolicator, chunk_id: str) -> None:
        self.symbolicator = symbolicator
        self.chunk_id = chunk_id
        self.issues: dict[str, dict[str, Any]] = {}
        self.frames: dict[str, dict[str, Any]] = {}
        self.events: list[dict[str, Any]] = []

    async def event(self, bug: str, message: dict[str, Any], first_of_bug: bool) -> dict[str, Any]:
        props = json.loads(json.dumps(message["properties"]))
        exceptions = props["$exception_list"]
        issue = self._issue(bug, message, exceptions[0])
        props.update(
            {
                "$exception_issue_id": issue["id"],
                "$exception_fingerprint": issue["fingerprint"],
                "$exception_types": [e["type"] for e in exceptions],
                "$exception_values": [e.get("value") for e in exceptions],
            }
        )
        if bug == "withdrawn_product":
            await self._resolve_js(exceptions, before_upload=first_of_bug)
        elif bug not in RAW_JS_BUGS:
            for exception in exceptions:
                frames = exception.get("stacktrace", {}).get("frames", [])
                exception["stacktrace"] = {
                    "type": "resolved",
                    "frames": [self._python(f) for f in frames],
                }
        return {
            "uuid": str(message.get("uuid") or _uuid7(_ms(message["timestamp"]), str(props))),
            "timestamp": message["timestamp"],
            "distinct_id": message["distinct_id"],
            "properties": props,
        }

    def _issue(self, bug: str, message: dict[str, Any], raised: dict[str, Any]) -> dict[str, Any]:
        if bug not in self.issues:
            self.issues[bug] = {
                "id": str(_uuid7(_ms(message["timestamp"]), bug)),
                "fingerprint": hashlib.sha256(bug.encode()).hexdigest(),
                "status": STATUSES.get(bug, "active"),
                "name": raised["type"],
                "description": raised.get("value") or "",
                "assignee": None,
            }
        return self.issues[bug]

    def _python(self, raw: dict[str, Any]) -> dict[str, Any]:
        raw_id = _raw_id(raw)
        line = raw.get("lineno")
        if raw.get("context_line") is not None and line is not None:
            self._keep(
                raw_id, _context(raw["pre_context"], raw["context_line"], raw["post_context"], line)
            )
        return {
            "raw_id": raw_id,
            "mangled_name": raw.get("function") or "?",
            "line": line,
            "source": raw.get("filename"),
            "in_app": bool(raw.get("in_app")),
            "resolved_name": raw.get("function"),
            "lang": "python",
            "resolved": True,
            "synthetic": False,
            "suspicious": False,
        }

    async def _resolve_js(self, exceptions: list[dict[str, Any]], before_upload: bool) -> None:
        parsed = parse_exception_list(exceptions)
        for exception, model in zip(exceptions, parsed, strict=True):
            raws = exception["stacktrace"]["frames"]
            frames = [
                await self._js(r, f, before_upload)
                for r, f in zip(raws, model.stacktrace.frames, strict=True)
            ]
            exception["stacktrace"] = {"type": "resolved", "frames": frames}

    async def _js(self, raw: dict[str, Any], frame: Frame, before_upload: bool) -> dict[str, Any]:
        out = {
            "raw_id": _raw_id(raw),
            "mangled_name": raw.get("function") or "?",
            "line": raw.get("lineno"),
            "column": raw.get("colno"),
            "source": raw.get("filename"),
            "in_app": bool(raw.get("in_app")),
            "lang": "javascript",
            "resolved": False,
            "synthetic": False,
            "suspicious": False,
        }
        if before_upload:
            return {**out, "resolve_failure": f"No symbol set found for chunk id {self.chunk_id}"}
        resolution = await self.symbolicator.resolve(frame)
        if resolution.frame is None:
            return {**out, "resolve_failure": resolution.failure}
        done = resolution.frame
        if done.context_line is not None and done.lineno is not None:
            self._keep(
                out["raw_id"],
                _context(done.pre_context, done.context_line, done.post_context, done.lineno),
            )
        return {
            **out,
            "line": done.lineno,
            "column": done.colno,
            "source": done.filename,
            "in_app": done.in_app,
            "resolved_name": done.function,
            "resolved": True,
        }

    def _keep(self, raw_id: str, context: dict[str, Any]) -> None:
        self.frames[raw_id] = {"context": context}


def _context(pre: Any, line: str, post: Any, lineno: int) -> dict[str, Any]:
    start = lineno - len(pre)
    return {
        "before": [{"number": start + i, "line": text} for i, text in enumerate(pre)],
        "line": {"number": lineno, "line": line},
        "after": [{"number": lineno + 1 + i, "line": text} for i, text in enumerate(post)],
    }


def _raw_id(raw: dict[str, Any]) -> str:
    keys = ("platform", "filename", "function", "module", "lineno", "colno", "chunk_id")
    return hashlib.sha512(json.dumps([raw.get(k) for k in keys]).encode()).hexdigest()[:64]


def _ms(timestamp: str) -> int:
    return int(datetime.fromisoformat(timestamp.replace("Z", "+00:00")).timestamp() * 1000)


async def process(
    python: list[tuple[str, dict[str, Any]]],
    javascript: list[tuple[str, dict[str, Any]]],
    blob: bytes,
    chunk_id: str,
    cache_dir: Path,
) -> Processor:
    async def fetch(wanted: str) -> bytes | None:
        return blob if wanted == chunk_id else None

    symbolicator = Symbolicator(SymbolCache(cache_dir), [PostHogSymbolSource(fetch)])
    processor = Processor(symbolicator, chunk_id)
    seen: set[str] = set()
    for bug, message in [*python, *javascript]:
        event = await processor.event(bug, message, bug not in seen)
        seen.add(bug)
        processor.events.append(event)
    return processor


def record_extra_symbols() -> None:
    """`--extra-symbols`: only the missing-chunk event, into its own file."""
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        javascript, chunk_id = record_missing_chunk(tmp)
        processor = asyncio.run(process([], javascript, b"", chunk_id, tmp / "cache"))
    extra = {
        "issues": list(processor.issues.values()),
        "events": processor.events,
        "frames": processor.frames,
    }
    EXTRA_SYMBOLS.write_text(json.dumps(extra, ensure_ascii=True, indent=1) + "\n", "utf-8")
    print(f"{len(processor.events)} event, chunk id {chunk_id}: {EXTRA_SYMBOLS.name}")


def main() -> None:
    logging.basicConfig(level=logging.INFO, handlers=[logging.NullHandler()])
    if sys.argv[1:] == ["--extra-symbols"]:
        record_extra_symbols()
        return
    python = record_python_sdk()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        javascript, bundle, chunk_id = record_javascript_sdk(tmp)
        map_bytes = (REPO_ROOT / "tui/demo/data/symbols" / f"{bundle.name}.map").read_bytes()
        blob = build_symbol_set(bundle.read_bytes(), map_bytes)
        processor = asyncio.run(process(python, javascript, blob, chunk_id, tmp / "cache"))
    demo = {
        "chunk_id": chunk_id,
        "issues": list(processor.issues.values()),
        "events": processor.events,
        "frames": processor.frames,
    }
    DEMO_DATA.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(demo, ensure_ascii=True, separators=(",", ":"))
    DEMO_DATA.write_bytes(lzma.compress(text.encode(), preset=9 | lzma.PRESET_EXTREME))
    firsts = {bug: m for bug, m in reversed(python) if bug != "bundle_recursion"}
    record_demo._dump(FIXTURES / "python_sdk_events.json", list(reversed(firsts.values())))
    record_demo._dump(FIXTURES / "js_sdk_events.json", [m for _, m in javascript])
    counts = f"{len(python)} python, {len(javascript)} javascript events"
    print(f"{counts}, {len(processor.issues)} issues")


if __name__ == "__main__":
    main()
