// A class whose method calls through a nested helper, so the enclosing scope is not the callee.
import { validatePrice } from "./cart.js";

export class Checkout {
  constructor(cart) {
    this.cart = cart;
    this.attempts = 0;
  }

  submit(groupCount) {
    this.attempts += 1;
    const checked = this.checkAll();
    return checked.length * groupCount;
  }

  checkAll() {
    function checkOne(item) {
      return validatePrice(item);
    }
    return this.cart.items.map((item) => checkOne(item));
  }
}
