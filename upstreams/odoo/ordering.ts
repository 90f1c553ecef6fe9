/**
 * Odoo's `order` argument: "field [asc|desc] [nulls first|last]", comma-separated. Empty values sort
 * as PostgreSQL sorts NULL (last ascending, first descending) unless `nulls` says otherwise; a
 * many2one sorts by its display name.
 */
import type { ModelSpec } from './models.ts';
import type { OdooRow } from './domain.ts';
import { valueError } from './errors.ts';

const TERM = /^([a-z_][a-z0-9_]*)(?:\s+(asc|desc))?(?:\s+nulls\s+(first|last))?$/i;

export type Comparator = (a: OdooRow, b: OdooRow) => number;

/** One part of an `order` argument. */
export interface OrderKey {
  field: string;
  many2one: boolean;
  descending: boolean;
  nullsFirst: boolean;
}

/** The parts of an `order` argument; Odoo's ValueError when one is malformed or names no field. */
export function orderKeys(order: string, spec: ModelSpec): OrderKey[] {
  return order.split(',').map((part) => part.trim()).filter(Boolean).map((part) => {
    const match = TERM.exec(part);
    if (!match || !spec.fields[match[1]]) {
      throw valueError(`Invalid "order" specified (${order}). A valid "order" specification is a comma-separated list of valid field names (optionally followed by asc/desc for the direction)`);
    }
    const descending = match[2]?.toLowerCase() === 'desc';
    const nullsFirst = match[3] ? match[3].toLowerCase() === 'first' : descending;
    return { field: match[1], many2one: spec.fields[match[1]].type === 'many2one', descending, nullsFirst };
  });
}

export function compileOrder(order: string, spec: ModelSpec): Comparator {
  const keys = orderKeys(order, spec);
  return (a, b) => {
    for (const key of keys) {
      const x = sortValue(a[key.field], key.many2one);
      const y = sortValue(b[key.field], key.many2one);
      if (x === y) continue;
      if (x === null) return key.nullsFirst ? -1 : 1;
      if (y === null) return key.nullsFirst ? 1 : -1;
      const cmp = x < y ? -1 : 1;
      return key.descending ? -cmp : cmp;
    }
    return 0;
  };
}

export function sortValue(raw: unknown, many2one: boolean): string | number | boolean | null {
  if (raw === false || raw === null || raw === undefined) return null;
  if (many2one && Array.isArray(raw)) return String(raw[1]);
  return raw as string | number | boolean;
}
