// Money formatting for the shop front-end.

const formatters = new Map();

function currencyFormatter(currency) {
  let formatter = formatters.get(currency);
  if (!formatter) {
    // Intl throws a RangeError for a currency code it does not know.
    formatter = new Intl.NumberFormat("en-GB", { style: "currency", currency });
    formatters.set(currency, formatter);
  }
  return formatter;
}

export function formatMoney(cents, currency) {
  return currencyFormatter(currency).format(cents / 100);
}
