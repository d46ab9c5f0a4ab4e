"""Charging customers and refunding charges."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import sentry_sdk

from billing_app.services.gateway import CardDeclined, PaymentGateway


class BillingService:
    def __init__(self, gateway: PaymentGateway | None = None) -> None:
        self.gateway = gateway or PaymentGateway.sandbox()

    def charge(self, customer_id: str, amount: int, card: str) -> dict[str, Any]:
        sentry_sdk.add_breadcrumb(
            category="billing", message=f"charging {customer_id}", data={"amount": amount}
        )
        try:
            return self.gateway.create_charge(customer_id, amount, card)
        except CardDeclined as exc:
            raise ValueError(f"card declined: {exc.code}") from exc

    def refund(self, charge_id: str, amount: Decimal) -> dict[str, Any]:
        return self.gateway.create_refund(charge_id, amount.quantize(Decimal("0.01")))
