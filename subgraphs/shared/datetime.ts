/**
 * Canonical DateTime: UTC, ISO-8601 with milliseconds. Accepts every upstream's format:
 * epoch milliseconds (HubSpot date properties, as strings), naive UTC "YYYY-MM-DD HH:MM:SS" (Odoo),
 * ISO with Z or an offset (HubSpot, Shopify), and date-only "YYYY-MM-DD" (midnight UTC; Odoo dates,
 * Mastodon's last_status_at). A calendar date that does not exist ("2021-02-30") is not a date: V8's
 * Date.parse would roll it over into March, silently changing the value.
 */
import { LRUCache } from 'lru-cache';

const EPOCH_MS = /^-?\d+$/;
const NAIVE = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
/** The calendar date an ISO-8601 text starts with. */
const LEADING_DATE = /^(\d{4})-(\d{2})-(\d{2})/;

/** Returns the canonical form, or null for an empty value (null, '', Odoo's false) or one that is not a date. */
export function toDateTime(value: string | number | boolean | null | undefined): string | null {
  if (value === null || value === undefined || value === false || value === true || value === '') return null;
  const text = typeof value === 'number' ? String(value) : value.trim();
  // Every record's dates are read again on each page served from the cache: a lookup costs less than
  // the regular expressions, Date.parse and toISOString.
  let canonical = CANONICAL.get(text);
  if (canonical === undefined) {
    const ms = toEpochMs(text);
    CANONICAL.set(text, canonical = ms === null ? NOT_A_DATE : new Date(ms).toISOString());
  }
  return canonical === NOT_A_DATE ? null : canonical;
}

/** Texts read lately and their canonical form (NOT_A_DATE for none: the cache holds no null). */
const CANONICAL = new LRUCache<string, string>({ max: 50_000 });
const NOT_A_DATE = '';

function toEpochMs(text: string): number | null {
  if (EPOCH_MS.test(text)) return Number(text);
  if (!calendarDateExists(text)) return null;
  const naive = NAIVE.exec(text);
  if (naive) return parse(`${naive[1]}T${naive[2]}Z`);
  if (DATE_ONLY.test(text)) return parse(`${text}T00:00:00Z`);
  return parse(text);
}

/** False only for a text starting with a year, month and day where that day is not in that month. */
function calendarDateExists(text: string): boolean {
  const date = LEADING_DATE.exec(text);
  if (!date) return true;
  const [year, month, day] = date.slice(1).map(Number);
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const length = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
  return day >= 1 && day <= length;
}

function parse(text: string): number | null {
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : ms;
}

/** The date part of a canonical DateTime (used where the contract keeps a plain date, e.g. birthDate). */
export const toDateOnly = (value: string | number | null | undefined): string | null => toDateTime(value)?.slice(0, 10) ?? null;
