"""Record the billing app's bugs with the real sentry-sdk, keeping the envelopes in memory.

Each scenario is a request to the app behind sentry-sdk's own WSGI middleware, or a run of a
background job, exactly as a deployment would report them; the transport only keeps what the SDK
would have sent. Used by `record_demo.py`.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import sys
import sysconfig
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from wsgiref.util import setup_testing_defaults

import sentry_sdk
from sentry_sdk.envelope import Envelope
from sentry_sdk.integrations.modules import ModulesIntegration
from sentry_sdk.integrations.wsgi import SentryWsgiMiddleware
from sentry_sdk.transport import Transport

RECORDERS_DIR = Path(__file__).resolve().parent
if str(RECORDERS_DIR) not in sys.path:
    sys.path.insert(0, str(RECORDERS_DIR))

from billing_app.services.invoices import Invoice, post_invoices  # noqa: E402
from billing_app.wsgi import application  # noqa: E402

DSN = "https://0123456789abcdef0123456789abcdef@o4504.ingest.invalid/4504211"
RELEASES = ("billing-api@2.13.0", "billing-api@2.14.0", "billing-api@2.14.1")
FIXED_IN = {"card_declined": RELEASES[1]}
"""Bugs fixed (resolved in Sentry) in a release, that come back in a later one: regressions."""
HOSTILE_REFERENCE = "PO-[bold red]x[/]-\x1b[31mURGENT\x1b[0m\x07-17"


class MemoryTransport(Transport):
    """A sentry-sdk transport that keeps every envelope instead of sending it."""

    def __init__(self, options: dict[str, Any] | None = None) -> None:
        super().__init__(options)
        self.envelopes: list[Envelope] = []

    def capture_envelope(self, envelope: Envelope) -> None:
        self.envelopes.append(envelope)


@dataclass(frozen=True)
class Request:
    """One HTTP request to the billing app; `bug` names the issue it is expected to raise."""

    bug: str
    method: str
    path: str
    user: tuple[str, str]
    body: dict[str, Any] = field(default_factory=dict)
    query: str = ""
    tier: str = "standard"
    remote_addr: str = "203.0.113.7"
    release: str = RELEASES[2]
    """The deployed version that served the request: card_declined stops in 2.14.0 and comes
    back in 2.14.1, hostile_message is new in 2.14.1."""


REQUESTS: tuple[Request, ...] = (
    Request(
        "card_declined",
        "POST",
        "/api/v1/charges",
        ("u_1842", "jane@example.com"),
        {"customer_id": "cus_Q1w2E3", "amount": 4999, "card": "4000000000000002"},
        release=RELEASES[0],
    ),
    Request(
        "tax_fallback",
        "POST",
        "/api/v1/quotes",
        ("u_2291", "omar@example.com"),
        {"items": {"SKU-TEE-01": 2}, "region": "NO"},
        tier="pro",
        remote_addr="198.51.100.4",
        release=RELEASES[0],
    ),
    Request(
        "card_declined",
        "POST",
        "/api/v1/charges",
        ("u_0077", "li@example.com"),
        {"customer_id": "cus_Z9x8C7", "amount": 1250, "card": "4000000000000069"},
        tier="pro",
        remote_addr="198.51.100.23",
        release=RELEASES[0],
    ),
    Request(
        "refund_json",
        "POST",
        "/api/v1/refunds",
        ("u_1842", "jane@example.com"),
        {"charge_id": "ch_3PqR7s", "amount": "19.99"},
        release=RELEASES[0],
    ),
    Request(
        "bundle_recursion",
        "POST",
        "/api/v1/quotes",
        ("u_3104", "sam@example.com"),
        {"items": {"BUNDLE-STARTER": 1}, "region": "DE"},
        remote_addr="192.0.2.41",
        release=RELEASES[1],
    ),
    Request(
        "export_template",
        "GET",
        "/api/v1/invoices/export",
        ("u_5520", "ana@example.com"),
        query="invoice_id=INV-1042",
        tier="enterprise",
        remote_addr="192.0.2.77",
        release=RELEASES[1],
    ),
    Request(
        "tax_fallback",
        "POST",
        "/api/v1/quotes",
        ("u_0077", "li@example.com"),
        {"items": {"SKU-MUG-02": 3}, "region": "CH"},
        tier="pro",
        remote_addr="198.51.100.23",
        release=RELEASES[1],
    ),
    Request(
        "hostile_message",
        "POST",
        "/api/v1/invoices/import",
        ("u_6001", "eve@example.com"),
        {"reference": HOSTILE_REFERENCE, "lines": [{"sku": "SKU-TEE-01", "qty": 1}]},
        remote_addr="192.0.2.200",
    ),
    Request(
        "refund_json",
        "POST",
        "/api/v1/refunds",
        ("u_2291", "omar@example.com"),
        {"charge_id": "ch_1AbC2d", "amount": "5"},
        tier="pro",
        remote_addr="198.51.100.4",
    ),
    Request(
        "card_declined",
        "POST",
        "/api/v1/charges",
        ("u_4410", "kim@example.com"),
        {"customer_id": "cus_K4l5M6", "amount": 89900, "card": "4000000000000119"},
        tier="enterprise",
        remote_addr="192.0.2.9",
    ),
    Request(
        "export_template",
        "GET",
        "/api/v1/invoices/export",
        ("u_1842", "jane@example.com"),
        query="invoice_id=INV-1041",
    ),
    Request(
        "bundle_recursion",
        "POST",
        "/api/v1/quotes",
        ("u_5520", "ana@example.com"),
        {"items": {"BUNDLE-GIFT": 2}, "region": "FR"},
        tier="enterprise",
        remote_addr="192.0.2.77",
    ),
    Request(
        "hostile_message",
        "POST",
        "/api/v1/invoices/import",
        ("u_1842", "jane@example.com"),
        {"reference": HOSTILE_REFERENCE.replace("17", "18"), "lines": []},
    ),
)

LEDGER_BATCHES: tuple[tuple[int, ...], ...] = ((2025,), (2024, 2025))
"""Closed ledger periods for each run of the posting job; each run raises an ExceptionGroup."""
LEDGER_RELEASE = RELEASES[1]


def _environ(request: Request) -> dict[str, Any]:
    body = json.dumps(request.body).encode() if request.body else b""
    environ: dict[str, Any] = {
        "REQUEST_METHOD": request.method,
        "PATH_INFO": request.path,
        "QUERY_STRING": request.query,
        "CONTENT_TYPE": "application/json" if body else "",
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_HOST": "billing.example.com",
        "SERVER_NAME": "billing.example.com",
        "SERVER_PORT": "443",
        "HTTP_USER_AGENT": "okhttp/4.12.0",
        "HTTP_X_USER_ID": request.user[0],
        "HTTP_X_USER_EMAIL": request.user[1],
        "HTTP_X_CUSTOMER_TIER": request.tier,
        "REMOTE_ADDR": request.remote_addr,
        "wsgi.url_scheme": "https",
        "wsgi.input": io.BytesIO(body),
    }
    setup_testing_defaults(environ)
    return environ


def _send(request: Request) -> None:
    app = SentryWsgiMiddleware(application)
    # The middleware reports the error and re-raises it; the next request goes on.
    with contextlib.suppress(Exception):
        app(_environ(request), lambda status, headers, exc_info=None: None)


def _run_ledger_job(closed_periods: tuple[int, ...]) -> None:
    batch = [
        Invoice("INV-0990", "acme", 2024, [("Hosting", Decimal("120.00"))]),
        Invoice("INV-1001", "globex", 2025, []),
        Invoice("INV-1017", "initech", 2025, [("Licences", Decimal("450.00"))]),
    ]
    with sentry_sdk.isolation_scope() as scope:
        scope.set_tag("job", "ledger.post_invoices")
        scope.set_tag("customer_tier", "internal")
        scope.set_context("job", {"batch": [inv.number for inv in batch], "attempt": 1})
        try:
            post_invoices(batch, set(closed_periods))
        except ExceptionGroup:
            sentry_sdk.capture_exception()


def _path_rewrites() -> list[tuple[str, str]]:
    """Machine-specific path prefixes and the deployment-like paths that replace them.

    The recording runs from a checkout and a virtualenv whose location differs per machine; the
    rewrite keeps re-recordings comparable and makes frames look like a deployed service.
    Longest prefixes first so the virtualenv wins over the checkout that contains it.
    """
    purelib = sysconfig.get_paths()["purelib"]
    stdlib = sysconfig.get_paths()["stdlib"]
    rewrites = [
        (purelib + "/", "/srv/billing-api/.venv/lib/python3.11/site-packages/"),
        (stdlib + "/", "/usr/local/lib/python3.11/"),
        (str(RECORDERS_DIR) + "/", "/srv/billing-api/"),
    ]
    return sorted(rewrites, key=lambda pair: len(pair[0]), reverse=True)


def _rewrite_paths(event: dict[str, Any]) -> dict[str, Any]:
    text = json.dumps(event)
    for old, new in _path_rewrites():
        text = text.replace(old, new)
    return json.loads(text)


def _init(transport: MemoryTransport, release: str) -> None:
    sentry_sdk.init(
        dsn=DSN,
        transport=transport,
        release=release,
        environment="production",
        server_name="billing-api-7d9f8-abcde",
        include_local_variables=True,
        send_default_pii=True,
        max_breadcrumbs=20,
        # The installed-package list differs between a developer's venv and CI's; leaving it out
        # keeps re-recordings comparable and the data small.
        disabled_integrations=[ModulesIntegration()],
    )


def record() -> list[tuple[str, dict[str, Any]]]:
    """Run every scenario, each under the release that served it (the SDK started again at
    every deploy); return `(bug, ingestion event)` pairs in the order they happened."""
    transport = MemoryTransport()
    logging.basicConfig(level=logging.INFO, handlers=[logging.NullHandler()])
    bugs: list[str] = []
    scenarios: list[tuple[str, str, Callable[[], None]]] = [
        (req.bug, req.release, lambda req=req: _send(req)) for req in REQUESTS
    ]
    scenarios[4:4] = [
        ("ledger_group", LEDGER_RELEASE, lambda periods=periods: _run_ledger_job(periods))
        for periods in LEDGER_BATCHES
    ]
    deployed = ""
    for bug, release, run in scenarios:
        if release != deployed:
            if deployed:
                sentry_sdk.get_client().close()
            _init(transport, release)
            deployed = release
        before = len(transport.envelopes)
        run()
        sentry_sdk.flush()
        bugs.extend(bug for _ in transport.envelopes[before:])
    recorded = [
        (bug, _rewrite_paths(event))
        for bug, envelope in zip(bugs, transport.envelopes, strict=True)
        if (event := envelope.get_event()) is not None
    ]
    sentry_sdk.get_client().close()
    return recorded
