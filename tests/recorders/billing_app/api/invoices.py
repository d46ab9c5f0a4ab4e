"""Invoice export and purchase-order import."""

from __future__ import annotations

import logging
from typing import Any

from billing_app.services.invoices import InvoiceStore, parse_purchase_order

logger = logging.getLogger("billing_app.api.invoices")


def export_invoice(body: dict[str, Any]) -> dict[str, Any]:
    store = InvoiceStore.default()
    try:
        document = store.export_json(body["invoice_id"])
    except KeyError:
        logger.exception("invoice %s could not be exported", body["invoice_id"])
        raise
    return {"document": document}


def import_purchase_order(body: dict[str, Any]) -> dict[str, Any]:
    order = parse_purchase_order(body["reference"], body["lines"])
    return {"order": order}
