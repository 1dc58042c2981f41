// Prices arrive as integers in the currency's minor unit (cents for EUR); the number of minor
// digits comes from the currency itself (JPY has none), so cents are never printed as euros.

const formatters = new Map<string, Intl.NumberFormat>();

function formatterFor(currency: string, locale: string): Intl.NumberFormat {
  const key = `${locale}|${currency}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.NumberFormat(locale, { style: 'currency', currency });
    formatters.set(key, formatter);
  }
  return formatter;
}

/** `formatCents(1999, 'EUR', 'en-IE')` → `€19.99`. Throws on a non-integer amount. */
export function formatCents(cents: number, currency = 'EUR', locale = 'en-IE'): string {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`not an amount in minor units: ${cents}`);
  const formatter = formatterFor(currency, locale);
  const digits = formatter.resolvedOptions().maximumFractionDigits ?? 2;
  return formatter.format(cents / 10 ** digits);
}

/** Sum of `unitPriceCents × quantity`, exact in integers. */
export function lineTotalCents(unitPriceCents: number, quantity: number): number {
  return unitPriceCents * quantity;
}
