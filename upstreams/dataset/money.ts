import { Decimal } from 'decimal.js';

/** Company currency first (the ERP's rates are per one unit of it). */
export const CURRENCIES = [
  { id: 1, code: 'USD', scale: 2 },
  { id: 2, code: 'EUR', scale: 2 },
  { id: 3, code: 'JPY', scale: 0 },
] as const;

export type CurrencyCode = (typeof CURRENCIES)[number]['code'];

export const scaleOf = (code: string): number => CURRENCIES.find((c) => c.code === code)?.scale ?? 2;

/** Rounds half away from zero to the currency's scale and prints it as Shopify does. */
export const fixed = (value: Decimal.Value, code: string): string =>
  new Decimal(value).toDecimalPlaces(scaleOf(code), Decimal.ROUND_HALF_UP).toFixed(scaleOf(code));

/**
 * An amount in minor units as a bigint: `units` of 10^-`scale` (12.50 USD is { units: 1250n, scale: 2 }).
 * The generator's hot loop works in these rather than in Decimal, which is far slower per value; the
 * results are the same, since every product it takes is exact (see convertMinor).
 */
export interface Minor {
  units: bigint;
  scale: number;
}

/** A decimal string with at most `scale` decimals ("12.5", "12.50") in minor units of that scale. */
export const toMinor = (amount: string, scale = 2): Minor =>
  ({ units: BigInt(new Decimal(amount).times(10 ** scale).toFixed(0)), scale });

/**
 * `amount` times `rate` (a decimal with at most six decimals, as Odoo keeps rates), rounded half away
 * from zero to the currency's scale and printed as `fixed` prints it. Equal to
 * fixed(amount × rate, code) with Decimal as long as the exact product has at most 20 significant
 * digits (Decimal's precision), which amounts and rates of this dataset are far from. Amounts and
 * rates are never negative here.
 */
export function convertMinor(amount: Minor, rateMicros: bigint, code: string): string {
  const scale = scaleOf(code);
  const exact = amount.units * rateMicros;
  if (exact < 0n) throw new RangeError('convertMinor takes amounts and rates of at least zero');
  const divisor = 10n ** BigInt(amount.scale + 6 - scale);
  return printMinor((exact + divisor / 2n) / divisor, scale);
}

/** A rate (a decimal with at most six decimals) in millionths. */
export const rateMicros = (rate: Decimal.Value): bigint => BigInt(new Decimal(rate).times(1_000_000).toFixed(0));

/** Non-negative minor units as a decimal string with exactly `scale` decimals. */
function printMinor(units: bigint, scale: number): string {
  if (scale === 0) return units.toString();
  const digits = units.toString().padStart(scale + 1, '0');
  return `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

/** Odoo hands money out as a JSON float. */
export const odooFloat = (amount: string): number => Number(amount);

export { Decimal };
