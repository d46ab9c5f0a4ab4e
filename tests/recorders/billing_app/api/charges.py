"""Charges, quotes and refunds."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import sentry_sdk

from billing_app.services.billing import BillingService
from billing_app.services.pricing import Catalogue
from billing_app.services.tax import TaxTable


def create_charge(body: dict[str, Any]) -> dict[str, Any]:
    service = BillingService()
    charge = service.charge(body["customer_id"], int(body["amount"]), body["card"])
    return {"charge": charge}


def quote_order(body: dict[str, Any]) -> dict[str, Any]:
    catalogue = Catalogue.default()
    net = sum(catalogue.price_of(sku) * qty for sku, qty in body["items"].items())
    tax = TaxTable.default().tax_for(body["region"], net)
    sentry_sdk.add_breadcrumb(category="quote", message=f"net {net} tax {tax}", level="info")
    return {"net": str(net), "tax": str(tax)}


def create_refund(body: dict[str, Any]) -> dict[str, Any]:
    service = BillingService()
    refund = service.refund(body["charge_id"], Decimal(body["amount"]))
    return {"refund": refund}
