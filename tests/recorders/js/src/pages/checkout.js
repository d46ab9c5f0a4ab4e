// The checkout page: summarises the cart when the customer presses "Pay".

import { hydrateCart } from "../api/catalog.js";
import { applyDiscount, computeCartTotal } from "../lib/cart.js";
import { formatMoney } from "../lib/format.js";

function renderSummary(cart) {
  const subtotal = computeCartTotal(cart);
  const total = applyDiscount(subtotal, cart.discount);
  return `Total: ${formatMoney(total, cart.currency)}`;
}

export function onCheckoutClick(rawCart) {
  const cart = hydrateCart(rawCart);
  console.log(`checkout: cart ${cart.id} with ${cart.lines.length} lines`);
  return renderSummary(cart);
}
