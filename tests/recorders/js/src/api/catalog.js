// The product catalogue as the last API response left it in memory.

const PRODUCTS = {
  "SKU-TEE-01": { sku: "SKU-TEE-01", name: "Logo tee", price: 1999 },
  "SKU-MUG-02": { sku: "SKU-MUG-02", name: "Enamel mug", price: 1250 },
  "SKU-CAP-03": { sku: "SKU-CAP-03", name: "Cap", price: 1500 },
};

export function hydrateCart(rawCart) {
  // A product withdrawn since the cart was saved hydrates to `undefined`.
  const lines = rawCart.lines.map((line) => ({
    product: PRODUCTS[line.sku],
    quantity: line.quantity,
  }));
  return { id: rawCart.id, currency: rawCart.currency, discount: rawCart.discount, lines };
}
