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
  const matches = compileDomain(args.domain, model, spec, (relation, id) => store.indexes(relation).lookup('field:id', (row) => [valueKey(row.id)])(valueKey(id))[0]);
  const activeTest = 'active' in spec.fields && (args.context as { active_test?: unknown } | undefined)?.active_test !== false && !mentions(args.domain, 'active');
  const keep = (row: OdooRow) => (!activeTest || row.active !== false) && matches(row);
  const order = typeof args.order === 'string' && args.order.trim() ? args.order : spec.order;
  const compare = compileOrder(order, spec);
  const { offset, limit } = args;
  const end = limit ? offset + limit : Infinity;

  const tree = Array.isArray(args.domain) ? readDomain(args.domain) : null;
  const named = tree && namedRows(store, model, tree);
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
  for (let i = firstPossible(view.partition, keys[0], keys[0] && spec.fields[keys[0].field].type, tree); i < rows.length && found.length < end - offset; i++) {
    if (!keep(rows[i])) continue;
    if (skipped < offset) skipped++;
    else found.push(rows[i]);
  }
  return found;
}

/** A domain read into a tree (it was validated by compileDomain already). */
type DomainNode = { op: '&' | '|'; parts: DomainNode[] } | { op: '!' } | { op: 'leaf'; field: string; operator: string; value: unknown };

function readDomain(domain: unknown[]): DomainNode {
  const terms = [...domain];
  const read = (): DomainNode => {
    const term = terms.shift();
    if (term === '&' || term === '|') return { op: term, parts: [read(), read()] };
    if (term === '!') {
      read();
      return { op: '!' };
    }
    const [field, operator, value] = term as [string, string, unknown];
    return { op: 'leaf', field, operator: operator.toLowerCase(), value };
  };
  const parts: DomainNode[] = [];
  while (terms.length > 0) parts.push(read());
  return { op: '&', parts };
}

/**
 * The rows a domain names through `=`, `in` or a literal `=ilike` on a plain field (a superset of its
 * matches: the domain still filters them), or null when it does not narrow that way.
 */
function namedRows(store: OdooStore, model: string, node: DomainNode): OdooRow[] | null {
  if (node.op === '!') return null;
  if (node.op === '&') {
    for (const part of node.parts) {
      const found = namedRows(store, model, part);
      if (found) return found;
    }
    return null;
  }
  if (node.op === '|') {
    const union = new Set<OdooRow>();
    for (const part of node.parts) {
      const found = namedRows(store, model, part);
      if (!found) return null;
      found.forEach((row) => union.add(row));
    }
    return [...union];
  }
  if (node.op !== 'leaf') return null;
  const spec = MODELS[model].fields[node.field];
  if (!spec || !PLAIN_TYPES.has(spec.type)) return null;
  const { field, operator, value } = node;
  if (operator === '=ilike' && typeof value === 'string' && !/(^|[^\\])(\\\\)*[%_]/.test(value)) {
    // A pattern without wildcards: the text itself, any letter case.
    const lookup = store.indexes(model).lookup(`ilike:${field}`, (row) => (isEmpty(row[field]) ? [] : [String(row[field]).toLowerCase()]));
    return [...lookup(value.replace(/\\(.)/gs, '$1').toLowerCase())];
  }
  const values = operator === '=' ? [value] : operator === 'in' && Array.isArray(value) ? value : null;
  if (!values || !values.every((v) => typeof v === 'string' || typeof v === 'number')) return null;
  const lookup = store.indexes(model).lookup(`field:${field}`, (row) => (isEmpty(row[field]) ? [] : [valueKey(row[field])]));
  return [...new Set(values.flatMap((v) => lookup(valueKey(v))))];
}

const isEmpty = (value: unknown) => value === false || value === null || value === undefined || value === '';

/** `=` compares with `===`: a number and a string of its digits are different values. */
const valueKey = (value: unknown) => `${typeof value}:${String(value)}`;

/**
 * Where the walk may start: the first row not before the least value of the order's first field that
 * the domain allows (0 when the field is sorted descending, by display name, or not bounded).
 */
function firstPossible(
  partition: (before: (key: readonly unknown[]) => boolean) => number, key: OrderKey | undefined, fieldType: string | undefined, tree: DomainNode | null,
): number {
  if (!key || key.descending || key.many2one || !tree) return 0;
  const least = lowerBound(tree, key.field);
  // Odoo compares a number with a string as two strings: only a bound of the field's own kind orders like the view.
  if (least === null || typeof least !== (NUMERIC_TYPES.has(fieldType ?? '') ? 'number' : 'string')) return 0;
  return partition((at) => {
    const value = sortValue((at[0] as OdooRow)[key.field], false);
    return value === null ? key.nullsFirst : value < least;
  });
}

const NUMERIC_TYPES = new Set(['integer', 'float', 'monetary']);

type Bound = string | number | boolean | null;

/** The least value of `field` a row matching the domain can hold, from `>`, `>=` and `=` leaves; null when unbounded. */
function lowerBound(node: DomainNode, field: string): Bound {
  if (node.op === '!') return null;
  if (node.op === '&') return node.parts.map((p) => lowerBound(p, field)).reduce(higher, null);
  if (node.op === '|') {
    const bounds = node.parts.map((p) => lowerBound(p, field));
    return bounds.some((b) => b === null) ? null : bounds.reduce((a, b) => (a! < b! ? a : b));
  }
  if (node.op !== 'leaf' || node.field !== field || !['>', '>=', '='].includes(node.operator)) return null;
  return typeof node.value === 'string' || typeof node.value === 'number' ? node.value : null;
}

const higher = (a: Bound, b: Bound): Bound => (a === null ? b : b === null ? a : a > b ? a : b);

function mentions(domain: unknown, field: string): boolean {
  return Array.isArray(domain) && domain.some((term) => Array.isArray(term) && term[0] === field);
}
