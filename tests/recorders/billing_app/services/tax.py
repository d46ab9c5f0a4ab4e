"""VAT rates by region."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Region:
    code: str
    rate: Decimal


class TaxTable:
    def __init__(self, regions: dict[str, Region], fallback: Region | None = None) -> None:
        self.regions = regions
        self.fallback = fallback

    @classmethod
    def default(cls) -> TaxTable:
        regions = {code: Region(code, Decimal(rate)) for code, rate in RATES.items()}
        # The fallback region is configured per deployment and missing in this one.
        return cls(regions, fallback=None)

    def rate_for(self, region: str) -> Decimal:
        try:
            return self.regions[region].rate
        except KeyError:
            return self.fallback.rate  # type: ignore[union-attr]

    def tax_for(self, region: str, net: Decimal) -> Decimal:
        return (net * self.rate_for(region)).quantize(Decimal("0.01"))


RATES = {"DE": "0.19", "FR": "0.20", "NL": "0.21", "GB": "0.20"}
