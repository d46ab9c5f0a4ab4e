// Cart arithmetic: every amount is in cents.

export function lineTotal(line) {
  const unitPrice = line.product.price;
  return unitPrice * line.quantity;
}

export function computeCartTotal(cart) {
  let total = 0;
  for (const line of cart.lines) {
    total += lineTotal(line);
  }
  return total;
}

export function applyDiscount(total, discount) {
  if (!discount) {
    return total;
  }
  return Math.max(0, total - Math.round((total * discount.percent) / 100));
}
