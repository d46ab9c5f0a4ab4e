// Entry point of the shop bundle.

import { onCheckoutClick } from "./pages/checkout.js";

// The click handler runs from the event loop, like a browser event listener.
export function clickCheckout(rawCart) {
  setTimeout(function handleCheckoutClick() {
    onCheckoutClick(rawCart);
  }, 0);
}
