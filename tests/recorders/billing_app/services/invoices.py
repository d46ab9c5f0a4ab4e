"""Invoices: export to the accounting system, purchase-order import, ledger posting."""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import sentry_sdk

FILE_NAME = string.Template("${year}/${customer}-${number}-${vat_number}.json")


class LedgerError(Exception):
    """The ledger refused an entry."""


class PurchaseOrderError(ValueError):
    """A purchase order the importer cannot read."""


@dataclass
class Invoice:
    number: str
    customer: str
    year: int
    lines: list[tuple[str, Decimal]] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)


class InvoiceStore:
    def __init__(self, invoices: dict[str, Invoice]) -> None:
        self.invoices = invoices

    @classmethod
    def default(cls) -> InvoiceStore:
        invoices = [
            Invoice("INV-1041", "acme", 2026, [("Hosting", Decimal("120.00"))]),
            Invoice("INV-1042", "globex", 2026, [("Support", Decimal("80.00"))]),
            Invoice("INV-1043", "initech", 2026, [("Licences", Decimal("450.00"))]),
        ]
        return cls({invoice.number: invoice for invoice in invoices})

    def export_json(self, number: str) -> dict[str, Any]:
        invoice = self.invoices[number]
        values = {"year": invoice.year, "customer": invoice.customer, "number": invoice.number}
        values.update(invoice.fields)
        path = FILE_NAME.substitute(values)
        return {"path": path, "lines": [[name, str(amount)] for name, amount in invoice.lines]}


def post_to_ledger(invoice: Invoice, closed_periods: set[int]) -> None:
    if not invoice.lines:
        raise ValueError(f"invoice {invoice.number} has no lines")
    if invoice.year in closed_periods:
        raise LedgerError(f"ledger rejected {invoice.number}: period {invoice.year} is closed")


def post_invoices(batch: list[Invoice], closed_periods: set[int]) -> int:
    errors: list[Exception] = []
    for invoice in batch:
        sentry_sdk.add_breadcrumb(category="ledger", message=f"posting {invoice.number}")
        try:
            post_to_ledger(invoice, closed_periods)
        except (LedgerError, ValueError) as exc:
            errors.append(exc)
    if errors:
        raise ExceptionGroup(f"{len(errors)} of {len(batch)} invoices failed to post", errors)
    return len(batch)


def parse_purchase_order(reference: str, lines: list[dict[str, Any]]) -> dict[str, Any]:
    prefix, _, number = reference.partition("-")
    if prefix != "PO" or not number.isdigit():
        raise PurchaseOrderError(f"unreadable purchase-order reference {reference}")
    return {"reference": reference, "lines": len(lines)}
