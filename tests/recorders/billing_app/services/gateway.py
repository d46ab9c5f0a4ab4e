"""Client of the card payment provider (its sandbox answers in-process, no network)."""

from __future__ import annotations

import json
import logging
from decimal import Decimal
from typing import Any

import httpx

logger = logging.getLogger("billing_app.gateway")

DECLINE_CODES = {"0002": "insufficient_funds", "0069": "expired_card", "0119": "do_not_honor"}


class CardDeclined(Exception):
    """The provider refused the card; `code` is its reason."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _sandbox(request: httpx.Request) -> httpx.Response:
    body = json.loads(request.content or b"{}")
    code = DECLINE_CODES.get(str(body.get("card", ""))[-4:])
    if code:
        return httpx.Response(402, json={"error": {"code": code, "message": f"Card {code}."}})
    return httpx.Response(200, json={"id": "ch_3PqR7s", "status": "succeeded"})


class PaymentGateway:
    def __init__(self, client: httpx.Client) -> None:
        self.client = client

    @classmethod
    def sandbox(cls) -> PaymentGateway:
        transport = httpx.MockTransport(_sandbox)
        return cls(httpx.Client(base_url="https://api.payments.example", transport=transport))

    def create_charge(self, customer_id: str, amount: int, card: str) -> dict[str, Any]:
        payload = {"customer": customer_id, "amount": amount, "card": card}
        response = self.client.post("/v1/charges", json=payload)
        if response.status_code == 402:
            error = response.json()["error"]
            raise CardDeclined(error["code"], error["message"])
        response.raise_for_status()
        return response.json()

    def create_refund(self, charge_id: str, amount: Decimal) -> dict[str, Any]:
        logger.info("refunding %s of charge %s", amount, charge_id)
        response = self.client.post("/v1/refunds", json={"charge": charge_id, "amount": amount})
        response.raise_for_status()
        return response.json()
