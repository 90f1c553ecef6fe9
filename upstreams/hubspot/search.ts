/**
 * HubSpot's CRM search, evaluated over the stand-in's contacts: filter groups (OR of ANDs), the
 * full-text `query`, one sort with ties broken by id, and offset paging through `after`, capped at
 * 10,000 results per query. String comparisons ignore case, except that `IN`/`NOT_IN` match the
 * lowercased stored value against the given values as they are: HubSpot requires those values in lowercase.
 */
import type { HubSpotContact } from '../dataset/types.ts';
import { PROPERTY_TYPES, type PropertyType } from './properties.ts';

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

export function searchContacts(contacts: HubSpotContact[], request: SearchRequest): SearchOutcome {
  const invalid = validate(request);
  if (invalid) return { ok: false, message: invalid };
  const groups = request.filterGroups ?? [];
  const matching = contacts.filter((c) =>
    (groups.length === 0 || groups.some((g) => (g.filters ?? []).every((f) => matchesFilter(c, f))))
    && (!request.query?.trim() || matchesQuery(c, request.query)));
  const sorted = matching.sort(comparator(request.sorts?.[0]));
  const offset = Number(request.after ?? 0);
  const end = Math.min(offset + (request.limit ?? 10), sorted.length, RESULT_CAP);
  return { ok: true, total: matching.length, page: sorted.slice(offset, end), nextAfter: end < Math.min(sorted.length, RESULT_CAP) ? String(end) : null };
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

function matchesFilter(contact: HubSpotContact, filter: SearchFilter): boolean {
  const type = PROPERTY_TYPES[filter.propertyName] ?? 'string';
  const raw = contact.properties[filter.propertyName] ?? null;
  const stored = comparable(type, raw);
  const target = comparable(type, filter.value);
  switch (filter.operator) {
    case 'HAS_PROPERTY': return stored !== null;
    case 'NOT_HAS_PROPERTY': return stored === null;
    case 'EQ': return stored !== null && stored === target;
    case 'NEQ': return stored !== target;
    case 'LT': return stored !== null && target !== null && stored < target;
    case 'LTE': return stored !== null && target !== null && stored <= target;
    case 'GT': return stored !== null && target !== null && stored > target;
    case 'GTE': return stored !== null && target !== null && stored >= target;
    case 'BETWEEN': {
      const high = comparable(type, filter.highValue);
      return stored !== null && target !== null && high !== null && stored >= target && stored <= high;
    }
    case 'IN': return stored !== null && inList(type, stored, filter.values);
    case 'NOT_IN': return stored === null || !inList(type, stored, filter.values);
    case 'CONTAINS_TOKEN': return raw !== null && containsToken(raw, String(filter.value ?? ''));
    case 'NOT_CONTAINS_TOKEN': return raw === null || !containsToken(raw, String(filter.value ?? ''));
    default: return false;
  }
}

/** Text values are compared as given, against the lowercased stored value. */
function inList(type: PropertyType, stored: number | string, values: unknown[] | undefined): boolean {
  return (values ?? []).some((v) => (typeof stored === 'string' ? String(v).trim() === stored : comparable(type, v) === stored));
}

const fold = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
const tokens = (text: string) => fold(text).split(/[^\p{L}\p{N}]+/u).filter(Boolean);

/** A whole-word match; `*` is a wildcard, e.g. `*@example.com`. */
function containsToken(stored: string, pattern: string): boolean {
  const re = new RegExp(`^${fold(pattern).split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'u');
  return re.test(fold(stored)) || tokens(stored).some((t) => re.test(t));
}

/** Every word of the query must start a word of one of the default searchable properties. */
function matchesQuery(contact: HubSpotContact, query: string): boolean {
  const values = QUERY_PROPERTIES.map((p) => contact.properties[p]).filter((v): v is string => !!v);
  return query.trim().split(/\s+/).every((word) => values.some((value) =>
    fold(value).startsWith(fold(word)) || tokens(word).every((w) => tokens(value).some((t) => t.startsWith(w)))));
}

/** Missing values last, ties by id; no sort means id order. */
function comparator(sort: SearchSort | undefined) {
  const name = typeof sort === 'string' ? sort.replace(/^-/, '') : sort?.propertyName;
  const descending = typeof sort === 'string' ? sort.startsWith('-') : sort?.direction === 'DESCENDING';
  const type = name ? PROPERTY_TYPES[name] ?? 'string' : 'number';
  const byId = (a: HubSpotContact, b: HubSpotContact) => Number(a.id) - Number(b.id);
  if (!name) return byId;
  return (a: HubSpotContact, b: HubSpotContact) => {
    const x = comparable(type, a.properties[name]);
    const y = comparable(type, b.properties[name]);
    if (x === y) return byId(a, b);
    if (x === null) return 1;
    if (y === null) return -1;
    return (x < y ? -1 : 1) * (descending ? -1 : 1);
  };
}
