// Parsing and pricing; validatePrice throws for negative prices.
const CURRENCY = /^[A-Z]{3}$/;

export function parseCart(text) {
  const raw = JSON.parse(text);
  const items = raw.items.map((item) => ({ ...item, price: Number(item.price) }));
  return { items, total: items.reduce((sum, item) => sum + item.price, 0), currency: "EUR" };
}

export const validatePrice = (item) => {
  if (item.price < 0) {
    throw new RangeError(`negative price for ${item.sku}: ${item.price}`);
  }
  return CURRENCY.test("EUR") ? item.price : 0;
};

export function formatPrice(amount) {
  return `${(amount / 100).toFixed(2)} EUR`;
}
