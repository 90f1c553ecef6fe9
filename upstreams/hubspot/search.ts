/**
 * HubSpot's CRM search, evaluated over the stand-in's contacts: filter groups (OR of ANDs), the
 * full-text `query`, one sort with ties broken by id, and offset paging through `after`, capped at
 * 10,000 results per query. String comparisons ignore case, except that `IN`/`NOT_IN` match the
 * lowercased stored value against the given values as they are: HubSpot requires those values in lowercase.
 */
import type { HubSpotContact } from '../dataset/types.ts';
import { PROPERTY_TYPES, type PropertyType } from './properties.ts';
import type { RecordIndexes, SortKey } from '../shared/record-index.ts';

export interface SearchFilter {
  propertyName: string;
  operator: string;
  value?: unknown;
  highValue?: unknown;
  values?: unknown[];
}

/** `{ propertyName, direction: "ASCENDING" | "DESCENDING" }`, or the short form `"name"` / `"-name"`. */
export type SearchSort = string | { propertyName: string; direction?: string };

export interface SearchRequest {
  filterGroups?: { filters?: SearchFilter[] }[];
  sorts?: SearchSort[];
  query?: string;
  properties?: string[];
  limit?: number;
  after?: string;
}

export type SearchOutcome =
  | { ok: true; total: number; page: HubSpotContact[]; nextAfter: string | null }
  | { ok: false; message: string };

/** HubSpot never pages past this many results of one query. */
export const RESULT_CAP = 10_000;
const MAX_LIMIT = 200;
const QUERY_PROPERTIES = ['firstname', 'lastname', 'email', 'phone', 'company'];
const OPERATORS = new Set(['EQ', 'NEQ', 'LT', 'LTE', 'GT', 'GTE', 'BETWEEN', 'IN', 'NOT_IN', 'HAS_PROPERTY', 'NOT_HAS_PROPERTY', 'CONTAINS_TOKEN', 'NOT_CONTAINS_TOKEN']);

/**
 * Searches the contacts `visible` lets through (not archived, already indexed). A request whose every
 * filter group holds an `EQ` or `IN` filter reads only the contacts those name (through the store's
 * lookups); any other walks the sort's view once, each filter compiled once for the request.
 */
export function searchContacts(indexes: RecordIndexes<HubSpotContact>, request: SearchRequest, visible: (contact: HubSpotContact) => boolean): SearchOutcome {
  const invalid = validate(request);
  if (invalid) return { ok: false, message: invalid };
  const groups = (request.filterGroups ?? []).map((g) => (g.filters ?? []).map(compileFilter));
  const query = request.query?.trim();
  const matches = (c: HubSpotContact) => visible(c)
    && (groups.length === 0 || groups.some((g) => g.every((f) => f(c))))
    && (!query || matchesQuery(c, query));
  const { keyOf, compare } = sortKey(request.sorts?.[0]);
  const named = namedBy(indexes, request.filterGroups ?? []);
  const sorted = named
    ? named.filter(matches).map((c) => ({ c, key: keyOf(c) })).sort((a, b) => compare(a.key, b.key)).map((e) => e.c)
    : indexes.sorted(`sort:${sortName(request.sorts?.[0])}`, keyOf, compare).records.filter(matches);
  const offset = Number(request.after ?? 0);
  const end = Math.min(offset + (request.limit ?? 10), sorted.length, RESULT_CAP);
  return { ok: true, total: sorted.length, page: sorted.slice(offset, end), nextAfter: end < Math.min(sorted.length, RESULT_CAP) ? String(end) : null };
}

/** The contacts an `EQ` or `IN` filter of every group names (a superset of the matches), or null when a group has none. */
function namedBy(indexes: RecordIndexes<HubSpotContact>, groups: NonNullable<SearchRequest['filterGroups']>): HubSpotContact[] | null {
  if (groups.length === 0) return null;
  const found = new Set<HubSpotContact>();
  for (const group of groups) {
    const filter = (group.filters ?? []).find((f) => f.operator === 'EQ' || f.operator === 'IN');
    if (!filter) return null;
    const type = PROPERTY_TYPES[filter.propertyName] ?? 'string';
    // The lookup holds each stored value in comparable form, as text.
    const holding = indexes.lookup(`property:${filter.propertyName}`, (c) => {
      const value = comparable(type, c.properties[filter.propertyName]);
      return value === null ? [] : [String(value)];
    });
    const keys = filter.operator === 'EQ' ? [comparable(type, filter.value)] : (filter.values ?? []).map((v) => inListKey(type, v));
    for (const key of keys) if (key !== null) holding(String(key)).forEach((c) => found.add(c));
  }
  return [...found];
}

function validate(request: SearchRequest): string | null {
  const groups = request.filterGroups ?? [];
  const filters = groups.flatMap((g) => g.filters ?? []);
  if (groups.length > 5) return 'Too many filter groups: at most 5 are allowed.';
  if (groups.some((g) => (g.filters ?? []).length > 6)) return 'Too many filters in a filter group: at most 6 are allowed.';
  if (filters.length > 18) return 'Too many filters: at most 18 are allowed across all filter groups.';
  const bad = filters.find((f) => !OPERATORS.has(f.operator));
  if (bad) return `Unknown operator: ${String(bad.operator)}`;
  if ((request.sorts ?? []).length > 1) return 'Only one sort is allowed.';
  const limit = request.limit ?? 10;
  if (!Number.isInteger(limit) || limit < 0 || limit > MAX_LIMIT) return `limit must be between 0 and ${MAX_LIMIT}: ${limit}`;
  if (request.after !== undefined && !/^\d+$/.test(String(request.after))) return `Invalid after: ${String(request.after)}`;
  if (Number(request.after ?? 0) >= RESULT_CAP) return `Paging beyond ${RESULT_CAP} results is not supported.`;
  return null;
}

/** A stored or filter value in comparable form: a number for numeric and date properties, lowercase text otherwise. */
function comparable(type: PropertyType, value: unknown): number | string | null {
  if (value === null || value === undefined || value === '') return null;
  const text = String(value).trim();
  if (type === 'string' || type === 'enumeration') return text.toLowerCase();
  const n = /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : type === 'number' ? NaN : Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  return Number.isNaN(n) ? null : n;
}

/** One filter as a predicate, its values read once. */
function compileFilter(filter: SearchFilter): (contact: HubSpotContact) => boolean {
  const name = filter.propertyName;
  const type = PROPERTY_TYPES[name] ?? 'string';
  const stored = (c: HubSpotContact) => comparable(type, c.properties[name] ?? null);
  const target = comparable(type, filter.value);
  switch (filter.operator) {
    case 'HAS_PROPERTY': return (c) => stored(c) !== null;
    case 'NOT_HAS_PROPERTY': return (c) => stored(c) === null;
    case 'EQ': return (c) => { const v = stored(c); return v !== null && v === target; };
    case 'NEQ': return (c) => stored(c) !== target;
    case 'LT': return (c) => { const v = stored(c); return v !== null && target !== null && v < target; };
    case 'LTE': return (c) => { const v = stored(c); return v !== null && target !== null && v <= target; };
    case 'GT': return (c) => { const v = stored(c); return v !== null && target !== null && v > target; };
    case 'GTE': return (c) => { const v = stored(c); return v !== null && target !== null && v >= target; };
    case 'BETWEEN': {
      const high = comparable(type, filter.highValue);
      return (c) => { const v = stored(c); return v !== null && target !== null && high !== null && v >= target && v <= high; };
    }
    case 'IN': case 'NOT_IN': {
      const listed = new Set((filter.values ?? []).map((v) => inListKey(type, v)));
      const inList = (v: number | string) => listed.has(v);
      return filter.operator === 'IN'
        ? (c) => { const v = stored(c); return v !== null && inList(v); }
        : (c) => { const v = stored(c); return v === null || !inList(v); };
    }
    case 'CONTAINS_TOKEN': case 'NOT_CONTAINS_TOKEN': {
      const contains = tokenMatcher(String(filter.value ?? ''));
      return filter.operator === 'CONTAINS_TOKEN'
        ? (c) => { const raw = c.properties[name] ?? null; return raw !== null && contains(raw); }
        : (c) => { const raw = c.properties[name] ?? null; return raw === null || !contains(raw); };
    }
    default: return () => false;
  }
}

/** How an `IN` value is compared: text values as given (HubSpot wants them lowercase), others in comparable form. */
function inListKey(type: PropertyType, value: unknown): number | string | null {
  return type === 'string' || type === 'enumeration' ? String(value).trim() : comparable(type, value);
}

const fold = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
const tokens = (text: string) => fold(text).split(/[^\p{L}\p{N}]+/u).filter(Boolean);

/** A whole-word match; `*` is a wildcard, e.g. `*@example.com`. */
function tokenMatcher(pattern: string): (stored: string) => boolean {
  const re = new RegExp(`^${fold(pattern).split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'u');
  return (stored) => re.test(fold(stored)) || tokens(stored).some((t) => re.test(t));
}

/** Every word of the query must start a word of one of the default searchable properties. */
function matchesQuery(contact: HubSpotContact, query: string): boolean {
  const values = QUERY_PROPERTIES.map((p) => contact.properties[p]).filter((v): v is string => !!v);
  return query.trim().split(/\s+/).every((word) => values.some((value) =>
    fold(value).startsWith(fold(word)) || tokens(word).every((w) => tokens(value).some((t) => t.startsWith(w)))));
}

/** The view's name for a sort. */
const sortName = (sort: SearchSort | undefined) => (typeof sort === 'string' ? sort : sort ? `${sort.direction === 'DESCENDING' ? '-' : ''}${sort.propertyName}` : '');

/** Missing values last, ties by id; no sort means id order. Keys are [comparable value, id]. */
function sortKey(sort: SearchSort | undefined): { keyOf: (c: HubSpotContact) => SortKey; compare: (a: SortKey, b: SortKey) => number } {
  const name = typeof sort === 'string' ? sort.replace(/^-/, '') : sort?.propertyName;
  const descending = typeof sort === 'string' ? sort.startsWith('-') : sort?.direction === 'DESCENDING';
  const type = name ? PROPERTY_TYPES[name] ?? 'string' : 'number';
  const keyOf = (c: HubSpotContact): SortKey => [name ? comparable(type, c.properties[name]) : null, Number(c.id)];
  const compare = (a: SortKey, b: SortKey) => {
    const [x, idA] = a as [number | string | null, number];
    const [y, idB] = b as [number | string | null, number];
    if (x === y) return idA - idB;
    if (x === null) return 1;
    if (y === null) return -1;
    return (x < y ? -1 : 1) * (descending ? -1 : 1);
  };
  return { keyOf, compare };
}
