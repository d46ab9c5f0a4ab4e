// Entry point of the fixture app: a checkout flow that fails deep inside.
import { formatPrice, parseCart } from "./cart.js";
import { Checkout } from "./checkout.js";
import { greet } from "./emoji.js";
import { chunkBy } from "./vendor/tinylib/index.js";

export function runCheckout(input) {
  const cart = parseCart(input);
  const checkout = new Checkout(cart);
  const groups = chunkBy(cart.items, 2);
  return checkout.submit(groups.length) + formatPrice(cart.total);
}

export function main() {
  try {
    runCheckout('{"items":[{"sku":"a","price":3},{"sku":"b","price":-1}]}');
  } catch (error) {
    return { stack: error.stack, message: error.message, hello: greet("Ada") };
  }
  return null;
}

globalThis.fixtureMain = main;
