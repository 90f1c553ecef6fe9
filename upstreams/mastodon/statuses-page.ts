/**
 * GET /api/v1/accounts/:id/statuses paging as Mastodon 4.3 does it: `limit` (default 20, at most 40),
 * `max_id`/`since_id` walk back from the newest, `min_id` walks forward from an id (the page is still
 * returned newest first), and a `Link` header names the next (older, `max_id`) and previous (newer,
 * `min_id`) pages, keeping `limit` and the filters, with query keys sorted as Rails' `to_query` sorts them.
 */
import type { MastodonStatus } from '../dataset/types.ts';

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 40;
/** Request parameters Mastodon carries over into the Link header's URLs. */
const CARRIED = ['limit', 'exclude_replies', 'exclude_reblogs', 'only_media', 'pinned', 'tagged'];

export interface StatusesQuery {
  limit: number;
  maxId: bigint | null;
  sinceId: bigint | null;
  minId: bigint | null;
}

/** Reads the paging parameters with Rails' lenient integer parsing (`"12abc".to_i` is 12, `"abc".to_i` is 0). */
export function parseStatusesQuery(params: URLSearchParams): StatusesQuery {
  const limit = params.get('limit');
  return {
    limit: limit === null ? DEFAULT_LIMIT : Math.min(Math.abs(Number(railsInteger(limit))), MAX_LIMIT),
    maxId: idParam(params.get('max_id')),
    sinceId: idParam(params.get('since_id')),
    minId: idParam(params.get('min_id')),
  };
}

/** One page of `statuses` (which are newest first), newest first. */
export function pageStatuses(statuses: MastodonStatus[], query: StatusesQuery): MastodonStatus[] {
  const below = (s: MastodonStatus) => query.maxId === null || BigInt(s.id) < query.maxId;
  if (query.minId !== null) {
    const minId = query.minId;
    const newer = statuses.filter((s) => BigInt(s.id) > minId && below(s));
    return newer.slice(Math.max(newer.length - query.limit, 0));
  }
  return statuses.filter((s) => below(s) && (query.sinceId === null || BigInt(s.id) > query.sinceId)).slice(0, query.limit);
}

/** The Link header for a page, or undefined for an empty page (Mastodon sends none then). */
export function statusesLinkHeader(pageUrl: URL, params: URLSearchParams, page: MastodonStatus[], limit: number): string | undefined {
  if (page.length === 0) return undefined;
  const links: string[] = [];
  if (page.length === limit) links.push(`<${linkTo(pageUrl, params, 'max_id', page[page.length - 1].id)}>; rel="next"`);
  links.push(`<${linkTo(pageUrl, params, 'min_id', page[0].id)}>; rel="prev"`);
  return links.join(', ');
}

function linkTo(pageUrl: URL, params: URLSearchParams, key: string, id: string): string {
  const entries: [string, string][] = CARRIED.flatMap((k) => (params.has(k) ? [[k, params.get(k) ?? '']] : []));
  entries.push([key, id]);
  entries.sort(([a], [b]) => (a < b ? -1 : 1));
  return `${pageUrl.origin}${pageUrl.pathname}?${new URLSearchParams(entries)}`;
}

function railsInteger(value: string): bigint {
  const digits = /^\s*-?\d+/.exec(value);
  return digits ? BigInt(digits[0].trim()) : 0n;
}

/** Mastodon ignores an id parameter that is absent or blank (`max_id.present?`). */
const idParam = (value: string | null): bigint | null => (value === null || value.trim() === '' ? null : railsInteger(value));
