/**
 * Odoo's search (search_read, search, search_count) over the store's indexes, answering exactly what
 * filtering every row and sorting them would, ties in storage (id) order: a domain that names rows by
 * `=`/`in` on a plain field reads only those (a lookup); any other walks the order's sorted view, from
 * the first row its domain allows on the order's first field (a `write_date > …` feed page starts
 * there), until `offset + limit` rows matched.
 */
import { MODELS } from './models.ts';
import { compileDomain, PLAIN_TYPES, type OdooRow } from './domain.ts';
import { compileOrder, orderKeys, sortValue, type OrderKey } from './ordering.ts';
import type { OdooStore } from './store.ts';

export interface SearchArgs {
  domain: unknown;
  context?: unknown;
  order: unknown;
  offset: number;
  limit: number | null;
}

export function search(store: OdooStore, model: string, args: SearchArgs): OdooRow[] {
  const spec = MODELS[model];
  const matches = compileDomain(args.domain, model, spec);
  const activeTest = 'active' in spec.fields && (args.context as { active_test?: unknown } | undefined)?.active_test !== false && !mentions(args.domain, 'active');
  const keep = (row: OdooRow) => (!activeTest || row.active !== false) && matches(row);
  const order = typeof args.order === 'string' && args.order.trim() ? args.order : spec.order;
  const compare = compileOrder(order, spec);
  const { offset, limit } = args;
  const end = limit ? offset + limit : Infinity;

  const named = namedRows(store, model, args.domain);
  if (named) return named.filter(keep).sort((a, b) => compare(a, b) || (a.id as number) - (b.id as number)).slice(offset, end);

  const keys = orderKeys(order, spec);
  const view = store.indexes(model).sorted(
    `order:${keys.map((k) => `${k.field} ${k.descending} ${k.nullsFirst}`).join(',')}`,
    (row) => [Object.fromEntries(keys.map((k) => [k.field, row[k.field]])), row.id],
    (a, b) => compare(a[0] as OdooRow, b[0] as OdooRow) || (a[1] as number) - (b[1] as number),
  );
  const found: OdooRow[] = [];
  let skipped = 0;
  const rows = view.records;
  for (let i = firstPossible(view.partition, keys[0], keys[0] && spec.fields[keys[0].field].type, args.domain); i < rows.length && found.length < end - offset; i++) {
    if (!keep(rows[i])) continue;
    if (skipped < offset) skipped++;
    else found.push(rows[i]);
  }
  return found;
}

/** The rows a domain of ANDed leaves names through `=` or `in` on a plain field, or null when it names none that way. */
function namedRows(store: OdooStore, model: string, domain: unknown): OdooRow[] | null {
  if (!Array.isArray(domain) || domain.some((term) => !Array.isArray(term))) return null;
  for (const [field, operator, value] of domain as [string, string, unknown][]) {
    const spec = MODELS[model].fields[field];
    const values = operator === '=' ? [value] : operator.toLowerCase() === 'in' && Array.isArray(value) ? value : null;
    if (!spec || !PLAIN_TYPES.has(spec.type) || !values || !values.every((v) => typeof v === 'string' || typeof v === 'number')) continue;
    const lookup = store.indexes(model).lookup(`field:${field}`, (row) => (row[field] === false || row[field] === null || row[field] === '' ? [] : [valueKey(row[field])]));
    return [...new Set(values.flatMap((v) => lookup(valueKey(v))))];
  }
  return null;
}

/** `=` compares with `===`: a number and a string of its digits are different values. */
const valueKey = (value: unknown) => `${typeof value}:${String(value)}`;

/**
 * Where the walk may start: the first row not before the least value of the order's first field that
 * the domain allows (0 when the field is sorted descending, by display name, or not bounded).
 */
function firstPossible(
  partition: (before: (key: readonly unknown[]) => boolean) => number, key: OrderKey | undefined, fieldType: string | undefined, domain: unknown,
): number {
  if (!key || key.descending || key.many2one || !Array.isArray(domain)) return 0;
  const least = lowerBound([...domain], key.field, true);
  // Odoo compares a number with a string as two strings: only a bound of the field's own kind orders like the view.
  if (least === null || typeof least !== (NUMERIC_TYPES.has(fieldType ?? '') ? 'number' : 'string')) return 0;
  return partition((at) => {
    const value = sortValue((at[0] as OdooRow)[key.field], false);
    return value === null ? key.nullsFirst : value < least;
  });
}

const NUMERIC_TYPES = new Set(['integer', 'float', 'monetary']);

type Bound = string | number | boolean | null;

/**
 * The least value of `field` a row matching the domain (in Polish notation, top-level terms ANDed) can
 * hold, from `>`, `>=` and `=` leaves; null when the domain does not bound it. Consumes the terms it reads.
 */
function lowerBound(terms: unknown[], field: string, topLevel = false): Bound {
  const read = (): Bound => {
    const term = terms.shift();
    if (term === '&') return higher(read(), read());
    if (term === '|') {
      const [a, b] = [read(), read()];
      return a === null || b === null ? null : a < b ? a : b;
    }
    if (term === '!') {
      read();
      return null;
    }
    if (!Array.isArray(term) || term[0] !== field || !['>', '>=', '='].includes(term[1])) return null;
    const value = term[2];
    return typeof value === 'string' || typeof value === 'number' ? value : null;
  };
  let bound: Bound = read();
  while (topLevel && terms.length > 0) bound = higher(bound, read());
  return bound;
}

const higher = (a: Bound, b: Bound): Bound => (a === null ? b : b === null ? a : a > b ? a : b);

function mentions(domain: unknown, field: string): boolean {
  return Array.isArray(domain) && domain.some((term) => Array.isArray(term) && term[0] === field);
}
