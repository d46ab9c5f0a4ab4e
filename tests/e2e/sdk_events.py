"""Real events for the e2e tests: raised and captured by the official sentry-sdk, or a browser
SDK's envelope built by hand (minified frames and `debug_meta`, as @sentry/browser sends them).

Every send uses a fresh `sentry_sdk.Client` in a fresh scope and flushes it, so nothing leaks
between tests and the event has reached Bugsink (which digests it in the request) on return.
"""

from __future__ import annotations

import json
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from urllib.parse import urlsplit

import httpx
import sentry_sdk

JS_DEBUG_ID = "a45df9fb-8f62-582a-95a4-cc044642fc66"
JS_MINIFIED_URL = "http://localhost:3000/static/app.min.js"


class ConfigError(Exception):
    """The application error the SDK reports; a named class so the issue title is predictable."""


def load_setting(settings: dict[str, object], key: str) -> object:
    retries = 3  # noqa: F841  (a local variable the SDK must capture)
    return settings[key]


def parse_port(settings: dict[str, object], kind: str) -> int:
    try:
        return int(str(load_setting(settings, "port")))
    except KeyError as exc:
        raise ConfigError(f"port missing for {kind}") from exc


def send_python_error(dsn: str, kind: str, *, release: str = "pyapp@1.0.0") -> str:
    """A `ConfigError` raised while handling a `KeyError`; one issue per `kind`.

    Returns the SDK's event id (32 hex digits).
    """
    client = sentry_sdk.Client(
        dsn,
        release=release,
        environment="e2e",
        default_integrations=False,  # no global hooks (excepthook, logging) in the test process
        auto_enabling_integrations=False,
        include_local_variables=True,
    )
    try:
        with sentry_sdk.new_scope() as scope:
            scope.set_client(client)
            scope.set_tag("kind", kind)
            scope.add_breadcrumb(category="boot", message=f"starting {kind}", level="info")
            scope.add_breadcrumb(category="config", message="reading settings", level="debug")
            try:
                parse_port({"host": "localhost", "debug": True}, kind)
            except ConfigError as exc:
                event_id = scope.capture_exception(exc)
        client.flush(timeout=10)
    finally:
        client.close()
    if not event_id:
        raise RuntimeError("sentry-sdk dropped the event")
    return event_id


def js_event(release: str = "jsapp@0.1.0") -> dict[str, object]:
    """What @sentry/browser sends for an uncaught TypeError in a minified bundle."""
    frames = [
        {"function": "Object.main", "lineno": 3, "colno": 257},
        {"function": "?", "lineno": 3, "colno": 242},
        {"function": "e", "lineno": 3, "colno": 56},
    ]
    for frame in frames:
        frame.update(filename=JS_MINIFIED_URL, abs_path=JS_MINIFIED_URL, in_app=True)
    return {
        "event_id": uuid.uuid4().hex,
        "timestamp": datetime.now(UTC).isoformat(),
        "platform": "javascript",
        "level": "error",
        "release": release,
        "environment": "e2e",
        "sdk": {"name": "sentry.javascript.browser", "version": "8.0.0"},
        "request": {"url": "http://localhost:3000/users"},
        "exception": {
            "values": [
                {
                    "type": "TypeError",
                    "value": "record has too few fields: 1",
                    "mechanism": {"type": "onerror", "handled": False},
                    "stacktrace": {"frames": frames},
                }
            ]
        },
        "debug_meta": {
            "images": [{"type": "sourcemap", "code_file": JS_MINIFIED_URL, "debug_id": JS_DEBUG_ID}]
        },
    }


def send_envelope(dsn: str, event: dict[str, object]) -> str:
    """POST one event as an envelope to the project's envelope endpoint; returns its id."""
    parts = urlsplit(dsn)
    project_id = parts.path.strip("/")
    url = f"{parts.scheme}://{parts.hostname}:{parts.port}/api/{project_id}/envelope/"
    header = {"event_id": event["event_id"], "dsn": dsn, "sent_at": datetime.now(UTC).isoformat()}
    payload = json.dumps(event).encode()
    item = {"type": "event", "length": len(payload), "content_type": "application/json"}
    body = b"\n".join([json.dumps(header).encode(), json.dumps(item).encode(), payload, b""])
    auth = f"Sentry sentry_version=7, sentry_key={parts.username}, sentry_client=e2e/1.0"
    response = httpx.post(
        url,
        content=body,
        headers={"Content-Type": "application/x-sentry-envelope", "X-Sentry-Auth": auth},
        timeout=30.0,
    )
    response.raise_for_status()
    return str(event["event_id"])


def send_envelopes(dsn: str, events: list[dict[str, object]], workers: int = 6) -> None:
    """Many events at once, from a few threads (Bugsink digests them one by one anyway)."""
    with ThreadPoolExecutor(workers) as pool:
        for _ in pool.map(lambda event: send_envelope(dsn, event), events):
            pass
