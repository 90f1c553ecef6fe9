/**
 * The ERP's exchange-rate table. Odoo's `res.currency.rate.rate` is "units of the currency per one unit
 * of the company currency", valid from its date (`name`) until the next one; the company currency is
 * 1 by definition, whether or not it has rows.
 */
import { Decimal } from '../shared/money.ts';
import type { OdooCurrencyRate } from './types.ts';
import { many2oneName, odooDecimal, text } from './odoo-values.ts';

export interface RatePoint {
  /** The first day the rate applies, "YYYY-MM-DD"; null for the company currency's implicit 1. */
  date: string | null;
  rate: Decimal;
}

export interface RateTable {
  companyCurrency: string;
  /** Per currency code, rates sorted by date ascending. */
  byCurrency: Map<string, { date: string; rate: Decimal }[]>;
}

export function buildRateTable(records: OdooCurrencyRate[], companyCurrency: string): RateTable {
  const byCurrency = new Map<string, { date: string; rate: Decimal }[]>();
  for (const record of records) {
    const code = many2oneName(record.currency_id);
    const date = text(record.name)?.slice(0, 10);
    const rate = odooDecimal(record.rate);
    if (!code || !date || !rate.isPositive() || rate.isZero()) continue;
    const series = byCurrency.get(code) ?? [];
    series.push({ date, rate });
    byCurrency.set(code, series);
  }
  for (const series of byCurrency.values()) series.sort((a, b) => a.date.localeCompare(b.date));
  return { companyCurrency, byCurrency };
}

/** True when the ERP can convert to or from this currency on some date. */
export const knowsCurrency = (table: RateTable, code: string): boolean =>
  code === table.companyCurrency || table.byCurrency.has(code);

/**
 * The rate valid on `day` ("YYYY-MM-DD"): the latest one dated on or before it; null when the ERP has
 * none that early. The company currency is always 1 (dated by its latest row, if it has rows).
 */
export function rateOn(table: RateTable, code: string, day: string): RatePoint | null {
  let found: { date: string; rate: Decimal } | null = null;
  for (const point of table.byCurrency.get(code) ?? []) {
    if (point.date > day) break;
    found = point;
  }
  if (code === table.companyCurrency) return { date: found?.date ?? null, rate: new Decimal(1) };
  return found;
}
