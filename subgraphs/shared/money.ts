/**
 * Exact money. Every amount and rate is a decimal.js value of one configuration, never a JS float:
 * 100 significant digits, far more than any amount × rate the upstreams store (Odoo floats carry at
 * most 17 significant digits, Shopify decimals about 20), so sums and products are exact. Division
 * by a rate is the one inexact step and comes last (amount × target rate ÷ source rate), within
 * 1e-99 relative of the exact quotient. A computed amount is then rounded once, half away from zero
 * (ROUND_HALF_UP), to the currency's ISO 4217 scale.
 *
 * Odoo hands out floats. A double keeps any decimal of up to 15 significant digits (DBL_DIG) through
 * the round trip, so a float is read at 15 significant digits: those are the digits Odoo recorded, the
 * rest is binary noise (0.1 + 0.2 arrives as 0.30000000000000004 and is read as 0.3).
 */
import { Decimal as DecimalJs } from 'decimal.js';
import { LRUCache } from 'lru-cache';
import { currencyScale, isCurrencyCode } from './currency.ts';

export { currencyScale, isCurrencyCode };

/** The significant digits money arithmetic keeps; see the module comment. */
export const MONEY_PRECISION = 100;

/** decimal.js configured for money (a clone: the library's global default of 20 digits is left alone). */
export const Decimal = DecimalJs.clone({ precision: MONEY_PRECISION, rounding: DecimalJs.ROUND_HALF_UP, toExpNeg: -9e15, toExpPos: 9e15 });
export type Decimal = DecimalJs;

export interface Money {
  amount: string;
  currency: string;
}

/** Significant digits a double is sure to carry from a decimal (IEEE 754 binary64's DBL_DIG). */
const FLOAT_DIGITS = 15;

/** A decimal from a decimal string or an upstream float (read at 15 significant digits). */
export const toDecimal = (value: string | number | DecimalJs): Decimal =>
  value instanceof DecimalJs ? new Decimal(value) : new Decimal(typeof value === 'number' ? value.toPrecision(FLOAT_DIGITS) : value);

/**
 * An amount as an upstream recorded it (or an exact sum or product of such): written at the currency's
 * scale ("24.0" USD → "24.00"), and never rounded to fewer digits than it has: "1.005" USD stays
 * "1.005", since the source kept that digit and dropping it would change the amount.
 */
export function toMoney(value: string | number | DecimalJs, currency: string): Money {
  if (value instanceof DecimalJs) return { amount: scaledAmount(toDecimal(value), currency), currency };
  // Upstream amounts repeat on every page served (the same orders): a lookup instead of a Decimal each.
  const key = `${typeof value}|${currency}|${value}`;
  let amount = SCALED_AMOUNTS.get(key);
  if (amount === undefined) SCALED_AMOUNTS.set(key, amount = scaledAmount(toDecimal(value), currency));
  return { amount, currency };
}

/** Upstream amounts read lately, by their type, currency and text. */
const SCALED_AMOUNTS = new LRUCache<string, string>({ max: 50_000 });

const scaledAmount = (amount: DecimalJs, currency: string): string => amount.toFixed(Math.max(currencyScale(currency), amount.decimalPlaces()));

/** A computed amount (a conversion) rounded once, half away from zero, to the currency's scale. */
export function roundMoney(value: DecimalJs, currency: string): Money {
  const scale = currencyScale(currency);
  return { amount: new Decimal(value).toDecimalPlaces(scale, Decimal.ROUND_HALF_UP).toFixed(scale), currency };
}
