/**
 * Currency conversion with the ERP's rates: X → Y on a day uses rate(Y) / rate(X), each the latest
 * rate dated on or before that day. The amount is multiplied by rate(Y) and divided by rate(X) last
 * (exact but for that division, see shared/money.ts), then rounded once, half away from zero, to Y's
 * ISO 4217 scale. The reported rate is the quotient rounded to 10 decimal places (trailing zeros dropped).
 */
import { LRUCache } from 'lru-cache';
import { codedError } from '../../schema/errors.ts';
import { Decimal, isCurrencyCode, roundMoney, toDecimal, toMoney, type Money } from '../shared/money.ts';
import { toDateTime } from '../shared/datetime.ts';
import { knowsCurrency, rateOn, type RateTable } from './rates.ts';

const RATE_DECIMAL_PLACES = 10;

export interface ConvertedMoney extends Money {
  original: Money;
  rate: string;
  /** Midnight UTC of the day the rate applies from. */
  rateDate: string;
}

/** A shop order total as the commerce subgraph passes it for lifetimeValue. */
export interface OrderTotal extends Money {
  placedAt: string;
}

/** rate(Y) / rate(X) kept as its two terms, so that a conversion divides once, at the end. */
export interface CrossRate {
  target: Decimal;
  source: Decimal;
  /** The later of the two rates' dates; the conversion day itself when no rate was needed. */
  date: string;
}

/** BAD_USER_INPUT naming `currency` unless it is an ISO 4217 code; checked before any rate is read. */
export function checkCurrencyArgument(currency: string): void {
  if (!isCurrencyCode(currency)) {
    throw codedError('BAD_USER_INPUT', `Argument "currency" must be an ISO 4217 currency code: "${currency}".`, { argument: 'currency' });
  }
}

/** BAD_USER_INPUT naming `currency` when the ERP keeps no rate for it at all. */
export function checkKnownCurrency(table: RateTable, currency: string): void {
  if (!knowsCurrency(table, currency)) {
    throw codedError('BAD_USER_INPUT', `Argument "currency": the ERP keeps no exchange rate for ${currency}.`, { argument: 'currency' });
  }
}

/** The rate from one currency to another on a day; a coded error when the ERP has no rate that early. */
export function crossRate(table: RateTable, from: string, to: string, day: string): CrossRate {
  if (from === to) return { target: new Decimal(1), source: new Decimal(1), date: day };
  const target = rateOn(table, to, day);
  if (!target) {
    throw codedError('BAD_USER_INPUT', `Argument "currency": the ERP has no ${to} rate on or before ${day}.`, { argument: 'currency' });
  }
  const source = rateOn(table, from, day);
  if (!source) throw codedError('UPSTREAM_ERROR', `The ERP has no ${from} rate on or before ${day}.`, { system: 'Odoo' });
  const dates = [source.date, target.date].filter((d): d is string => d !== null).sort();
  return { target: target.rate, source: source.rate, date: dates.pop() ?? day };
}

/** `amount` in the target currency, unrounded: amount × rate(Y) ÷ rate(X). */
export const applyRate = (amount: Decimal, cross: CrossRate): Decimal => amount.times(cross.target).div(cross.source);

/** Converts `money` into `currency` with the rates valid on the day of `at` (a canonical DateTime). */
export function convertMoney(table: RateTable, money: Money, currency: string, at: string): ConvertedMoney {
  // The same orders are converted on every page, each a division at 100 digits: kept per rate table
  // (a new table, after a refresh of the rates, starts empty), a copy handed out each time.
  let converted = CONVERTED.get(table);
  if (!converted) CONVERTED.set(table, converted = new LRUCache({ max: CONVERSIONS_KEPT }));
  const key = `${money.currency}|${money.amount}|${currency}|${at}`;
  let result = converted.get(key);
  if (!result) converted.set(key, result = convert(table, money, currency, at));
  return { ...result, original: { ...result.original } };
}

/** Conversions already made, per rate table. */
const CONVERTED = new WeakMap<RateTable, LRUCache<string, ConvertedMoney>>();
const CONVERSIONS_KEPT = 20_000;

function convert(table: RateTable, money: Money, currency: string, at: string): ConvertedMoney {
  const cross = crossRate(table, money.currency, currency, dayOf(at));
  return {
    ...roundMoney(applyRate(toDecimal(money.amount), cross), currency),
    original: { amount: money.amount, currency: money.currency },
    rate: cross.target.div(cross.source).toDecimalPlaces(RATE_DECIMAL_PLACES, Decimal.ROUND_HALF_UP).toFixed(),
    rateDate: `${cross.date}T00:00:00.000Z`,
  };
}

/**
 * The sum of order totals in `currency`: each converted unrounded with the rate of its own day, summed,
 * then rounded once. `table` is needed only when some total is in another currency.
 */
export function sumInCurrency(totals: OrderTotal[], currency: string, table: RateTable | null): Money {
  let sum = new Decimal(0);
  let converted = false;
  for (const total of totals) {
    const amount = toDecimal(total.amount);
    if (total.currency === currency) sum = sum.plus(amount);
    else if (!table) throw new Error(`A rate table is needed to convert ${total.currency} to ${currency}.`);
    else {
      sum = sum.plus(applyRate(amount, crossRate(table, total.currency, currency, dayOf(total.placedAt))));
      converted = true;
    }
  }
  return settle(sum, currency, converted);
}

/**
 * A sum as Money: rounded once when a conversion went into it; else exact, like the amounts it adds
 * (toMoney keeps every digit they had).
 */
export const settle = (sum: Decimal, currency: string, converted: boolean): Money =>
  (converted ? roundMoney(sum, currency) : toMoney(sum, currency));

/** The UTC day of an instant, "YYYY-MM-DD" (rates change per day). */
const dayOf = (at: string): string => (toDateTime(at) ?? at).slice(0, 10);
