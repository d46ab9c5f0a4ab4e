"""Product prices, including bundles priced from their components."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

MAX_BUNDLE_DEPTH = 46
"""Deeper nesting than any real bundle has: the catalogue has a cycle."""


class BundleCycleError(RecursionError):
    """A bundle contains itself, directly or through other bundles."""


@dataclass(frozen=True)
class Product:
    sku: str
    price: Decimal = Decimal(0)
    components: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return f"<Product {self.sku}>"


class Catalogue:
    def __init__(self, products: dict[str, Product]) -> None:
        self.products = products

    def __repr__(self) -> str:
        return f"<Catalogue of {len(self.products)}>"

    @classmethod
    def default(cls) -> Catalogue:
        products = [
            Product("SKU-TEE-01", Decimal("19.99")),
            Product("SKU-MUG-02", Decimal("12.50")),
            Product("BUNDLE-STARTER", components=("SKU-TEE-01", "BUNDLE-GIFT")),
            # A catalogue edit made the gift bundle contain the starter bundle again.
            Product("BUNDLE-GIFT", components=("SKU-MUG-02", "BUNDLE-STARTER")),
        ]
        return cls({product.sku: product for product in products})

    def price_of(self, sku: str, depth: int = 0) -> Decimal:
        if depth > MAX_BUNDLE_DEPTH:
            raise BundleCycleError(f"bundle {sku} nests deeper than {MAX_BUNDLE_DEPTH}")
        product = self.products[sku]
        if not product.components:
            return product.price
        total = Decimal(0)
        for part in product.components:
            total += self.price_of(part, depth + 1)
        return total
