// Constructors, static methods and getters: V8 names these frames `new X`, `X.parse`, `get year`.
export class DateTime {
  static EPOCH = "1970-01-01";

  constructor(iso) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) {
      throw new TypeError(`invalid date ${JSON.stringify(iso)}`);
    }
    this.iso = iso;
  }

  static parse(text) {
    return new DateTime(text.trim());
  }

  get year() {
    return checkYear(Number(this.iso.slice(0, 4)));
  }
}

function checkYear(year) {
  if (year < 1970) throw new RangeError(`year ${year} before the epoch`);
  return year;
}

export class Amount {
  constructor(cents) {
    if (!Number.isInteger(cents)) throw new TypeError(`not a whole number of cents: ${cents}`);
    this.cents = cents;
  }
}

export class Money extends Amount {
  constructor(cents, currency) {
    super(cents);
    this.currency = currency;
  }
}

export function Ledger(entries) {
  if (!Array.isArray(entries)) throw new TypeError("a ledger needs a list of entries");
  this.entries = entries;
}
