// Scenarios whose V8 frames are constructors, a static method and a getter (see generate.mjs).
import { Amount, DateTime, Ledger, Money } from "./dates.mjs";

const SCENARIOS = {
  constructor: () => new DateTime("yesterday"),
  staticMethod: () => DateTime.parse(" 12/01/2026 "),
  getter: () => new DateTime("1969-07-20").year,
  subclass: () => new Money(1.5, "EUR"),
  functionConstructor: () => new Ledger("none"),
  baseClass: () => new Amount(Number.NaN),
};

export function run(name) {
  try {
    SCENARIOS[name]();
  } catch (error) {
    return error.stack;
  }
  return null;
}

export const NAMES = Object.keys(SCENARIOS);
