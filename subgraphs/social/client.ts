/**
 * The only code that speaks Mastodon's REST API (4.3+): bearer token, the three read endpoints this
 * subgraph needs, and the mapping of Mastodon's answers to results or coded errors.
 */
import { unexpectedResponse, upstreamRequest, type UpstreamConfig, type UpstreamResponse } from '../shared/upstream-http.ts';
import type { MastodonAccount, MastodonStatus } from './types.ts';
import { chunks } from '../shared/chunks.ts';

const SYSTEM = 'Mastodon';
/** GET /api/v1/accounts refuses more than 40 distinct ids (DEFAULT_ACCOUNTS_LIMIT) with a 422. */
export const MAX_IDS_PER_REQUEST = 40;
/** GET /api/v1/accounts/:id/statuses returns at most 40 statuses per page. */
export const MAX_STATUSES_PER_PAGE = 40;

/**
 * An acct as Mastodon spells one: a username (letters, digits, `_`, with `.` and `-` inside; Account::USERNAME_RE)
 * and an optional domain (a host name). Anything else names no account and is not sent: the lookup
 * would otherwise read `?`, `#`, `&`, `/` or a second `@` as more than a name.
 */
const ACCT = /^@?[a-z0-9_]+(?:[a-z0-9_.-]+[a-z0-9_]+)?(?:@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*(?::\d{1,5})?)?$/i;
/** Mastodon ids are decimal (snowflake) numbers; any other text is no account and never goes into a path. */
const ACCOUNT_ID = /^\d{1,20}$/;

export interface MastodonClient {
  /** GET /api/v1/accounts/lookup: the account an acct names on the instance, or null (404) when none. */
  lookupAccount(acct: string): Promise<MastodonAccount | null>;
  /** GET /api/v1/accounts?id[]=…: the accounts that exist, in no particular order; one request per 40 ids. */
  accountsById(ids: string[]): Promise<MastodonAccount[]>;
  /** GET /api/v1/accounts/:id/statuses: the newest statuses, reblogs excluded; null (404) when the account is gone. */
  accountStatuses(accountId: string, limit: number): Promise<MastodonStatus[] | null>;
}

export function createMastodonClient(config: UpstreamConfig): MastodonClient {
  const get = (path: string, query: URLSearchParams): Promise<UpstreamResponse> =>
    upstreamRequest(SYSTEM, `${config.baseUrl}${path}?${query}`, {
      method: 'GET',
      headers: { authorization: `Bearer ${config.credential}`, accept: 'application/json' },
      // Every call here is a read of data the gateway never writes: concurrent identical ones share one request.
    }, config.timeoutMs, { shareInFlight: true });

  return {
    async lookupAccount(acct) {
      if (!ACCT.test(acct) || acct.length > 255) return null;
      const res = await get('/api/v1/accounts/lookup', new URLSearchParams({ acct }));
      if (res.status === 404) return null;
      if (res.status !== 200 || !isAccount(res.body)) throw unexpectedResponse(SYSTEM, res, 'an account lookup');
      return res.body;
    },

    async accountsById(ids) {
      const parts = chunks([...new Set(ids)].filter((id) => ACCOUNT_ID.test(id)), MAX_IDS_PER_REQUEST);
      const pages = await Promise.all(parts.map(async (part) => {
        const res = await get('/api/v1/accounts', new URLSearchParams(part.map((id) => ['id[]', id])));
        if (res.status !== 200 || !isListOf(res.body, isAccount)) throw unexpectedResponse(SYSTEM, res, 'an accounts request');
        return res.body;
      }));
      return pages.flat();
    },

    async accountStatuses(accountId, limit) {
      if (!ACCOUNT_ID.test(accountId)) return null;
      const query = new URLSearchParams({ limit: String(Math.min(limit, MAX_STATUSES_PER_PAGE)), exclude_reblogs: 'true' });
      const res = await get(`/api/v1/accounts/${accountId}/statuses`, query);
      if (res.status === 404) return null;
      if (res.status !== 200 || !isListOf(res.body, isStatus)) throw unexpectedResponse(SYSTEM, res, 'a statuses request');
      return res.body;
    },
  };
}

function isAccount(value: unknown): value is MastodonAccount {
  const a = value as MastodonAccount | null;
  return typeof a === 'object' && a !== null && typeof a.id === 'string' && typeof a.acct === 'string';
}

function isStatus(value: unknown): value is MastodonStatus {
  const s = value as MastodonStatus | null;
  return typeof s === 'object' && s !== null && typeof s.id === 'string' && !Number.isNaN(Date.parse(s.created_at));
}

const isListOf = <T>(value: unknown, isItem: (v: unknown) => v is T): value is T[] => Array.isArray(value) && value.every(isItem);
