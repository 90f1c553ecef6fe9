/**
 * stock.quant → StockLevel per warehouse. Odoo keeps quantities as floats (a product may be counted
 * in kilograms); a warehouse's quants are summed exactly and rounded once, half away from zero, to the
 * Int the contract promises. Quants outside any warehouse (transit, virtual locations) are left out.
 */
import { Decimal } from '../shared/money.ts';
import { compareNames } from '../shared/text.ts';
import type { OdooQuant } from './types.ts';
import { many2oneName, odooDecimal } from './odoo-values.ts';

export interface StockLevel {
  warehouse: string;
  onHand: number;
  reserved: number;
}

/** One level per warehouse, sorted by warehouse name. */
export function toStockLevels(quants: OdooQuant[]): StockLevel[] {
  const sums = new Map<string, { onHand: Decimal; reserved: Decimal }>();
  for (const quant of quants) {
    const warehouse = many2oneName(quant.warehouse_id);
    if (!warehouse) continue;
    const sum = sums.get(warehouse) ?? { onHand: new Decimal(0), reserved: new Decimal(0) };
    sums.set(warehouse, { onHand: sum.onHand.plus(odooDecimal(quant.quantity)), reserved: sum.reserved.plus(odooDecimal(quant.reserved_quantity)) });
  }
  return [...sums.entries()]
    .sort(([a], [b]) => compareNames(a, b))
    .map(([warehouse, sum]) => ({ warehouse, onHand: toInt(sum.onHand), reserved: toInt(sum.reserved) }));
}

/** On hand minus reserved, over all warehouses. */
export const available = (levels: StockLevel[]): number => levels.reduce((n, l) => n + l.onHand - l.reserved, 0);

const toInt = (value: Decimal): number => value.toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toNumber();
