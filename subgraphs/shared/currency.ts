/**
 * ISO 4217 minor units, the scale of every canonical amount. Source: the standard's List One as the
 * `currency-codes` package ships it (list published 2024-06-25, `currency-codes/iso-4217-publish-date.js`).
 * Not ICU (`Intl.NumberFormat`): its display digits drop decimals the standard keeps (IQD 0 vs 3, HUF,
 * COP, IDR 0 vs 2). Codes whose minor unit List One gives as "N.A." (metals, funds units, XXX) have
 * scale 0 in the package; an amount recorded with decimals in one keeps them (see money.ts).
 */
import currencyCodes from 'currency-codes';
import { codedError } from '../../schema/errors.ts';

/** The date of the ISO 4217 list the scales come from. */
export const ISO_4217_PUBLISHED = currencyCodes.publishDate;

const minorUnits = new Map(currencyCodes.data.map((record) => [record.code, record.digits]));

/** True when the code is an active ISO 4217 alphabetic code. */
export const isCurrencyCode = (code: string): boolean => minorUnits.has(code);

/**
 * The currency's minor unit (USD 2, JPY 0, KWD 3, CLF 4). An unknown code is UPSTREAM_ERROR rather
 * than a guessed scale: only an upstream record can carry a currency the argument checks did not.
 */
export function currencyScale(currency: string): number {
  const scale = minorUnits.get(currency);
  if (scale === undefined) {
    throw codedError('UPSTREAM_ERROR', `"${currency}" is not an ISO 4217 currency code, so its amount has no known scale.`);
  }
  return scale;
}
