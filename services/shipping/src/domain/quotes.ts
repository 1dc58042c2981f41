// Quotes, pure: which zone a destination is in, what a parcel costs by zone, weight and method,
// how long it takes, and which carrier takes it. The shop ships from one warehouse in Germany, in
// euros. Countries not in ZONES are not served (`unsupported_destination`).
import type { ShippingMethod } from '@shopwatch/contracts';

export type Zone = 'domestic' | 'eu' | 'europe' | 'world';
export const ZONE_NAMES: readonly Zone[] = ['domestic', 'eu', 'europe', 'world'];
export const METHODS: readonly ShippingMethod[] = ['standard', 'express'];
export const CURRENCY = 'EUR';

/** No parcel heavier than this is accepted, whatever the zone or method. */
export const MAX_PARCEL_GRAMS = 70_000;
/** Couriers (express everywhere, any method outside Europe) take parcels up to 31.5 kg. */
export const MAX_COURIER_GRAMS = 31_500;

const EU = ['AT', 'BE', 'BG', 'CY', 'CZ', 'DK', 'EE', 'ES', 'FI', 'FR', 'GR', 'HR', 'HU', 'IE', 'IT', 'LT', 'LU', 'LV', 'MT', 'NL', 'PL', 'PT', 'RO', 'SE', 'SI', 'SK'];
const EUROPE = ['GB', 'CH', 'NO', 'IS', 'LI', 'MC', 'AD', 'SM', 'RS', 'BA', 'ME', 'MK', 'AL', 'MD', 'UA'];
const WORLD = ['US', 'CA', 'MX', 'BR', 'AR', 'CL', 'AU', 'NZ', 'JP', 'KR', 'SG', 'HK', 'TW', 'IN', 'IL', 'AE', 'ZA', 'TR'];

/** Served countries (ISO 3166-1 alpha-2) and their zones. */
export const ZONES: ReadonlyMap<string, Zone> = new Map<string, Zone>([
  ['DE', 'domestic'],
  ...EU.map((c): [string, Zone] => [c, 'eu']),
  ...EUROPE.map((c): [string, Zone] => [c, 'europe']),
  ...WORLD.map((c): [string, Zone] => [c, 'world']),
]);

export function zoneOf(country: string): Zone | undefined {
  return ZONES.get(country);
}

interface Tariff {
  /** Price of the first kilogram (or part of it). */
  baseCents: number;
  /** Each further started kilogram. */
  perKgCents: number;
  /** Business days, fastest and slowest. */
  days: { min: number; max: number };
  carrier: string;
}

const TARIFFS: Record<Zone, Record<ShippingMethod, Tariff>> = {
  domestic: {
    standard: { baseCents: 495, perKgCents: 40, days: { min: 1, max: 3 }, carrier: 'DHL' },
    express: { baseCents: 1190, perKgCents: 90, days: { min: 1, max: 1 }, carrier: 'DPD Express' },
  },
  eu: {
    standard: { baseCents: 1090, perKgCents: 120, days: { min: 3, max: 6 }, carrier: 'DHL' },
    express: { baseCents: 2490, perKgCents: 250, days: { min: 1, max: 2 }, carrier: 'UPS Express' },
  },
  europe: {
    standard: { baseCents: 1590, perKgCents: 180, days: { min: 4, max: 8 }, carrier: 'DHL' },
    express: { baseCents: 3490, perKgCents: 320, days: { min: 2, max: 3 }, carrier: 'UPS Express' },
  },
  world: {
    standard: { baseCents: 2990, perKgCents: 450, days: { min: 7, max: 15 }, carrier: 'DHL Global' },
    express: { baseCents: 5990, perKgCents: 800, days: { min: 3, max: 5 }, carrier: 'FedEx International' },
  },
};

/** Heavy domestic and EU standard parcels (above the courier limit) go by freight. */
const FREIGHT_CARRIER = 'DB Schenker';
const FREIGHT_SURCHARGE_CENTS = 2500;

export interface Quote {
  method: ShippingMethod;
  zone: Zone;
  carrier: string;
  costCents: number;
  currency: string;
  estimatedDays: { min: number; max: number };
}

export type QuoteRefusal = 'unsupported_destination' | 'overweight';
export type QuoteResult = { ok: true; quote: Quote } | { ok: false; reason: QuoteRefusal; detail: string };

/** The quote for one method, or why there is none. */
export function quoteFor(country: string, weightGrams: number, method: ShippingMethod): QuoteResult {
  const zone = zoneOf(country);
  if (!zone) return { ok: false, reason: 'unsupported_destination', detail: `We do not ship to ${country}.` };
  if (!Number.isInteger(weightGrams) || weightGrams < 1) throw new RangeError(`weightGrams must be a positive integer (got ${weightGrams})`);
  if (weightGrams > MAX_PARCEL_GRAMS) {
    return { ok: false, reason: 'overweight', detail: `A parcel may weigh at most ${MAX_PARCEL_GRAMS / 1000} kg.` };
  }
  const freightAllowed = method === 'standard' && (zone === 'domestic' || zone === 'eu');
  if (weightGrams > MAX_COURIER_GRAMS && !freightAllowed) {
    return { ok: false, reason: 'overweight', detail: `${method} to ${zone} takes parcels up to ${MAX_COURIER_GRAMS / 1000} kg.` };
  }
  const tariff = TARIFFS[zone][method];
  const startedKg = Math.ceil(weightGrams / 1000);
  const freight = weightGrams > MAX_COURIER_GRAMS;
  const costCents = tariff.baseCents + (startedKg - 1) * tariff.perKgCents + (freight ? FREIGHT_SURCHARGE_CENTS : 0);
  return {
    ok: true,
    quote: {
      method,
      zone,
      carrier: freight ? FREIGHT_CARRIER : tariff.carrier,
      costCents,
      currency: CURRENCY,
      estimatedDays: freight ? { min: tariff.days.min + 1, max: tariff.days.max + 2 } : { ...tariff.days },
    },
  };
}

/**
 * Quotes for the requested method, or for every method that can take the parcel. Refused only
 * when no method can: the reason is the one of the requested method (or of standard).
 */
export function quote(country: string, weightGrams: number, method?: ShippingMethod): { ok: true; quotes: Quote[] } | { ok: false; reason: QuoteRefusal; detail: string } {
  if (method) {
    const result = quoteFor(country, weightGrams, method);
    return result.ok ? { ok: true, quotes: [result.quote] } : result;
  }
  const results = METHODS.map((m) => quoteFor(country, weightGrams, m));
  const quotes = results.flatMap((r) => (r.ok ? [r.quote] : []));
  if (quotes.length > 0) return { ok: true, quotes };
  const first = results[0];
  if (!first || first.ok) throw new Error('unreachable: no quotes and no refusal');
  return first;
}
