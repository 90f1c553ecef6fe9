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

/** Odoo hands money out as a JSON float. */
export const odooFloat = (amount: string): number => Number(amount);

export { Decimal };
