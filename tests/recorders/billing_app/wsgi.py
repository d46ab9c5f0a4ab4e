"""The WSGI entry point: a tiny router in front of the handlers."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl

import sentry_sdk

from billing_app.api import charges, invoices

logger = logging.getLogger("billing_app.wsgi")

Handler = Callable[[dict[str, Any]], dict[str, Any]]

ROUTES: dict[tuple[str, str], Handler] = {
    ("POST", "/api/v1/charges"): charges.create_charge,
    ("POST", "/api/v1/quotes"): charges.quote_order,
    ("POST", "/api/v1/refunds"): charges.create_refund,
    ("GET", "/api/v1/invoices/export"): invoices.export_invoice,
    ("POST", "/api/v1/invoices/import"): invoices.import_purchase_order,
}


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    route = (environ["REQUEST_METHOD"], environ["PATH_INFO"])
    user_id = environ.get("HTTP_X_USER_ID", "")
    if user_id:
        sentry_sdk.set_user(
            {"id": user_id, "email": environ.get("HTTP_X_USER_EMAIL"), "ip_address": "{{auto}}"}
        )
    sentry_sdk.set_tag("customer_tier", environ.get("HTTP_X_CUSTOMER_TIER", "standard"))
    body = json.loads(environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0)) or "{}")
    body.update(parse_qsl(environ.get("QUERY_STRING", "")))
    logger.info("%s %s for user %s", *route, user_id or "anonymous")
    result = ROUTES[route](body)
    start_response("200 OK", [("Content-Type", "application/json")])
    return [json.dumps(result).encode()]
