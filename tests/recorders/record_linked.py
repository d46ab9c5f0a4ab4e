"""Record errors reported to Sentry and PostHog at once, linked both ways as PostHog's Sentry
integration links them; writes the demo's cross-linked data.

One command, from the repository root (needs the `posthog` package: `pip install -e '.[dev]'`):

    .venv/bin/python tests/recorders/record_linked.py

The billing app (as a second service, `billing-portal`) declines an expired card for two shop
customers who are also PostHog persons in the demo (`c_8812`, `c_1203`). The real sentry-sdk
and the real posthog SDK report it, each into memory. posthog-python 7 no longer ships a Sentry
integration (3.x had `posthog.sentry.PostHogIntegration`), so `link_to_posthog` does what
posthog-node's `PostHogSentryIntegration` and posthog-js' `SentryIntegration` do, as a
sentry-sdk `before_send` hook: the app's `posthog_distinct_id` tag gets a `PostHog Person URL`
tag beside it (`<host>/project/<api key>/person/<distinct id>`), and the same exception goes to
PostHog with `$sentry_event_id`, `$sentry_url`
(`<sentry>/organizations/<org>/issues/?project=<id>&query=<event id>`) and `$sentry_tags`.

Writes, without touching the main recordings: `tui/demo/data/sentry/issues-linked.json` and
`sentry/events/<issue id>.json` (converted by `to_sentry_api.py`), and
`tui/demo/data/posthog/extra-linked.json` (processed by `record_posthog.Processor`). The hosts
are the demo profiles' own, so each link leads to the other demo profile.
"""

from __future__ import annotations

import asyncio
import json
import logging
import lzma
import sys
import tempfile
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from unittest import mock

import posthog.client
import sentry_sdk
from posthog import Posthog
from sentry_sdk.integrations.modules import ModulesIntegration

RECORDERS_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(RECORDERS_DIR))
REPO_ROOT = RECORDERS_DIR.parents[1]
sys.path.insert(0, str(REPO_ROOT))

import record_demo  # noqa: E402
import record_posthog  # noqa: E402
import record_python  # noqa: E402
from to_sentry_api import Project, convert  # noqa: E402

from tui.demo.posthog_data import DEMO_DATA  # noqa: E402
from tui.demo.posthog_server import DEMO_POSTHOG_URL  # noqa: E402
from tui.demo.server import DEMO_ORG, DEMO_URL  # noqa: E402
from tui.symbols import SymbolCache, Symbolicator  # noqa: E402

PORTAL = Project(id="4504588", slug="billing-portal", name="billing-portal", platform="python")
DSN = f"https://fedcba9876543210fedcba9876543210@o4504.ingest.invalid/{PORTAL.id}"
BUG = "portal_expired_card"
CUSTOMERS = (("c_8812", "ada@example.com"), ("c_1203", "bo@example.com"))
"""Shop customers who are PostHog persons in the main PostHog recording too."""
SENTRY_DIR = record_demo.DATA_DIR / "sentry"
POSTHOG_FILE = record_demo.DATA_DIR / "posthog" / "extra-linked.json"


def link_to_posthog(client: Posthog, event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    """The integration: tag the Sentry event with the person's PostHog URL and send the same
    exception to PostHog with the Sentry event's id and address."""
    tags = event.setdefault("tags", {})
    distinct_id = tags.get("posthog_distinct_id")
    exc_info = hint.get("exc_info")
    if event.get("level") != "error" or not distinct_id or not exc_info:
        return event
    tags["PostHog Person URL"] = (
        f"{DEMO_POSTHOG_URL}/project/{record_posthog.API_KEY}/person/{distinct_id}"
    )
    raised = event["exception"]["values"][-1]
    sentry_url = (
        f"{DEMO_URL}/organizations/{DEMO_ORG}/issues/?project={PORTAL.id}&query={event['event_id']}"
    )
    properties = {
        "$sentry_event_id": event["event_id"],
        "$sentry_url": sentry_url,
        "$sentry_exception_message": raised.get("value"),
        "$sentry_exception_type": raised.get("type"),
        "$sentry_tags": dict(tags),
    }
    client.capture_exception(exc_info[1], distinct_id=distinct_id, properties=properties)
    return event


def record() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """`(Sentry ingestion events, PostHog messages)` as the two SDKs sent them."""
    transport = record_python.MemoryTransport()
    batches: list[list[dict[str, Any]]] = []
    with mock.patch.object(
        posthog.client, "batch_post", lambda *a, **k: batches.append(k["batch"])
    ):
        client = Posthog(
            record_posthog.API_KEY,
            host=DEMO_POSTHOG_URL,
            sync_mode=True,
            project_root=str(RECORDERS_DIR),
            enable_exception_autocapture=False,
        )
        sentry_sdk.init(
            dsn=DSN,
            transport=transport,
            release="billing-portal@1.3.0",
            environment="production",
            server_name="billing-portal-5c2e1-fghij",
            include_local_variables=True,
            send_default_pii=True,
            before_send=partial(link_to_posthog, client),  # type: ignore[arg-type]
            disabled_integrations=[ModulesIntegration()],
        )
        for number, (person, email) in enumerate(CUSTOMERS):
            body = {"customer_id": f"cus_P{number}r7", "amount": 1299, "card": "4000000000000069"}
            request = record_python.Request(BUG, "POST", "/api/v1/charges", (person, email), body)
            with sentry_sdk.isolation_scope() as scope:
                scope.set_tag("posthog_distinct_id", person)  # what the app sets
                record_python._send(request)
            sentry_sdk.flush()
        sentry_sdk.get_client().close()
        client.shutdown()
    events = [e for env in transport.envelopes if (e := env.get_event()) is not None]
    messages = [message for batch in batches for message in batch]
    return (
        [record_python._rewrite_paths(e) for e in events],
        [record_posthog._portable(record_python._rewrite_paths(m)) for m in messages],
    )


async def process_posthog(messages: list[dict[str, Any]], cache: Path) -> dict[str, Any]:
    """What PostHog's server makes of the messages: one issue, resolved Python frames."""
    processor = record_posthog.Processor(Symbolicator(SymbolCache(cache), []), chunk_id="")
    for number, message in enumerate(messages):
        processor.events.append(await processor.event(BUG, message, number == 0))
    issues = list(processor.issues.values())
    return {"issues": issues, "events": processor.events, "frames": processor.frames}


def moved_among(recorded: list[dict[str, Any]], main_times: list[str]) -> list[dict[str, Any]]:
    """`recorded` moved as a whole (its own spacing kept) to end just before the main
    recording began.

    The demo replays every recording onto one schedule by recorded time: recorded last, the
    pair would land on top of both demo lists, in place of the issues the tour starts with."""
    shift = _when(min(main_times)) - max(_when(item["timestamp"]) for item in recorded)
    return [_shifted(item, shift - timedelta(seconds=1)) for item in recorded]


def _shifted(data: Any, shift: timedelta) -> Any:
    if isinstance(data, list):
        return [_shifted(item, shift) for item in data]
    if not isinstance(data, dict):
        return data
    moved = {key: _shifted(value, shift) for key, value in data.items()}
    for key in ("timestamp", "start_timestamp"):
        if isinstance(data.get(key), str):
            moved[key] = (_when(data[key]) + shift).isoformat().replace("+00:00", "Z")
    return moved


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def main_recording_times() -> tuple[list[str], list[str]]:
    """When the main Sentry and PostHog recordings' events happened."""
    sentry = [
        event["dateCreated"]
        for path in (SENTRY_DIR / "events").glob("*.json")
        for event in json.loads(path.read_text())
        if path.stem not in {i["id"] for i in _linked_issues()}
    ]
    posthog = [
        e["timestamp"] for e in json.loads(lzma.decompress(DEMO_DATA.read_bytes()))["events"]
    ]
    return sentry, posthog


def _linked_issues() -> list[dict[str, Any]]:
    path = SENTRY_DIR / "issues-linked.json"
    return json.loads(path.read_text()) if path.exists() else []


def main() -> None:
    logging.basicConfig(level=logging.INFO, handlers=[logging.NullHandler()])
    sentry_events, messages = record()
    if len(sentry_events) != len(CUSTOMERS) or len(messages) != len(CUSTOMERS):
        found = f"{len(sentry_events)} Sentry, {len(messages)} PostHog"
        raise SystemExit(f"expected {len(CUSTOMERS)} events a side, got {found}")
    sentry_times, posthog_times = main_recording_times()
    for stale in _linked_issues():
        (SENTRY_DIR / "events" / f"{stale['id']}.json").unlink(missing_ok=True)
    sentry_events = moved_among(sentry_events, sentry_times)
    messages = moved_among(messages, posthog_times)
    issues, events = convert([(PORTAL, event) for event in sentry_events])
    record_demo._dump(SENTRY_DIR / "issues-linked.json", issues)
    for issue_id, details in events.items():
        record_demo._dump(SENTRY_DIR / "events" / f"{issue_id}.json", details)
    with tempfile.TemporaryDirectory() as tmp:
        record_demo._dump(POSTHOG_FILE, asyncio.run(process_posthog(messages, Path(tmp))))
    print(f"{len(issues)} Sentry issue(s) {', '.join(events)}; PostHog: {POSTHOG_FILE.name}")


if __name__ == "__main__":
    main()
