/**
 * Exact money. Amounts are decimal strings at the currency's ISO 4217 minor-unit scale; arithmetic
 * goes through decimal.js, never a JS float. Odoo hands out floats: `String(float)` is the shortest
 * decimal that round-trips, which is what the ERP itself prints, so it is parsed from that.
 */
import { Decimal } from 'decimal.js';

export { Decimal };

export interface Money {
  amount: string;
  currency: string;
}

const scales = new Map<string, number>();

/** ISO 4217 minor units (USD 2, JPY 0, KWD 3), from the runtime's ICU data. */
export function currencyScale(currency: string): number {
  let scale = scales.get(currency);
  if (scale === undefined) {
    scale = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    scales.set(currency, scale);
  }
  return scale;
}

/** True when the code is a well-formed ISO 4217 code the runtime knows. */
export function isCurrencyCode(code: string): boolean {
  if (!/^[A-Z]{3}$/.test(code)) return false;
  return Intl.supportedValuesOf('currency').includes(code);
}

/** A decimal from a decimal string or an upstream float. */
export const toDecimal = (value: string | number | Decimal): Decimal =>
  value instanceof Decimal ? value : new Decimal(typeof value === 'number' ? String(value) : value);

/** Rounds once, half away from zero, to the currency's scale. */
export function toMoney(value: string | number | Decimal, currency: string): Money {
  const scale = currencyScale(currency);
  return { amount: toDecimal(value).toDecimalPlaces(scale, Decimal.ROUND_HALF_UP).toFixed(scale), currency };
}

/** Adds exact amounts of one currency and rounds the sum to its scale. */
export function sumMoney(values: (string | number | Decimal)[], currency: string): Money {
  return toMoney(values.reduce<Decimal>((sum, v) => sum.plus(toDecimal(v)), new Decimal(0)), currency);
}
