/**
 * The Mastodon 4.3 REST endpoints the stand-in serves, answered from its store. Counter keys name the
 * route pattern. Unknown records answer 404 `{"error":"Record not found"}`, as Mastodon's
 * ActiveRecord::RecordNotFound handler does.
 */
import type { Routed, StandInRequest, StandInResponse } from '../shared/standin.ts';
import { compareIds, type MastodonStore } from './store.ts';
import { serializeAccount, serializeStatus } from './serialize.ts';
import { pageStatuses, parseStatusesQuery, statusesLinkHeader } from './statuses-page.ts';
import { plainTextToHtml } from './text-to-html.ts';

/** Mastodon's DEFAULT_ACCOUNTS_LIMIT: GET /api/v1/accounts takes at most this many distinct ids. */
const MAX_ACCOUNT_IDS = 40;

const NOT_FOUND: StandInResponse = { status: 404, body: { error: 'Record not found' } };
const ok = (body: unknown, headers?: Record<string, string>): StandInResponse => ({ status: 200, body, headers });

export function routeMastodon(store: MastodonStore, req: StandInRequest): Routed {
  const path = req.url.pathname.replace(/\/+$/, '');
  if (req.method === 'PATCH' && path === '/api/v1/accounts/update_credentials') {
    return { endpoint: 'PATCH /api/v1/accounts/update_credentials', response: updateCredentials(store, req.body) };
  }
  if (req.method === 'GET' && path === '/api/v1/accounts/lookup') {
    return { endpoint: 'GET /api/v1/accounts/lookup', response: lookup(store, req.url.searchParams.get('acct')) };
  }
  if (req.method === 'GET' && path === '/api/v1/accounts') {
    return { endpoint: 'GET /api/v1/accounts', response: accounts(store, req.url.searchParams.getAll('id[]')) };
  }
  const statuses = /^\/api\/v1\/accounts\/([^/]+)\/statuses$/.exec(path);
  if (req.method === 'GET' && statuses) {
    return { endpoint: 'GET /api/v1/accounts/{id}/statuses', response: accountStatuses(store, statuses[1], req) };
  }
  const account = /^\/api\/v1\/accounts\/([^/]+)$/.exec(path);
  if (req.method === 'GET' && account) {
    const found = store.accountById(account[1]);
    return { endpoint: 'GET /api/v1/accounts/{id}', response: found ? ok(serializeAccount(found, store.domain)) : NOT_FOUND };
  }
  return { endpoint: 'unmatched', response: NOT_FOUND };
}

/**
 * ResolveAccountService with skip_webfinger: a leading "@" is dropped; "user" and "user@<own domain>" name
 * a local account (case-insensitively); any other domain names a remote account this instance has never
 * seen, so it is not found without WebFinger.
 */
function lookup(store: MastodonStore, acct: string | null): StandInResponse {
  const parts = (acct ?? '').trim().replace(/^@/, '').split('@');
  if (parts.length > 2 || !parts[0]) return NOT_FOUND;
  if (parts.length === 2 && parts[1].toLowerCase() !== store.domain.toLowerCase()) return NOT_FOUND;
  const account = store.localAccount(parts[0]);
  return account ? ok(serializeAccount(account, store.domain)) : NOT_FOUND;
}

/**
 * Several accounts by id (4.3+). Unknown ids are skipped; the answer is in the database's order, not the
 * request's; more than 40 distinct ids is refused with 422 and the bare exception name Mastodon renders.
 */
function accounts(store: MastodonStore, ids: string[]): StandInResponse {
  const unique = [...new Set(ids)];
  if (unique.length > MAX_ACCOUNT_IDS) return { status: 422, body: { error: 'Mastodon::ValidationError' } };
  const found = unique.map((id) => store.accountById(id)).filter((a) => a !== undefined);
  const ordered = [...new Map(found.map((a) => [a.id, a])).values()].sort((a, b) => compareIds(a.id, b.id));
  return ok(ordered.map((a) => serializeAccount(a, store.domain)));
}

/**
 * An account's statuses, newest first. The dataset holds neither replies nor reblogs, so
 * `exclude_replies` and `exclude_reblogs` keep every status (they are still carried into the Link header).
 */
function accountStatuses(store: MastodonStore, id: string, req: StandInRequest): StandInResponse {
  const account = store.accountById(id);
  if (!account) return NOT_FOUND;
  const query = parseStatusesQuery(req.url.searchParams);
  const page = pageStatuses(store.statusesOf(id), query);
  const pageUrl = new URL(req.url.pathname, `http://${req.headers.host ?? 'localhost'}`);
  const link = statusesLinkHeader(pageUrl, req.url.searchParams, page, query.limit);
  return ok(page.map((s) => serializeStatus(s, account, store.domain)), link ? { Link: link } : undefined);
}

/**
 * The token owner's profile (here only `note`, plain text, at most 500 characters as Mastodon allows),
 * answered with the CredentialAccount: the account plus `source.note`, the text as typed.
 */
function updateCredentials(store: MastodonStore, body: unknown): StandInResponse {
  const note = (body as { note?: unknown } | undefined)?.note;
  if (note !== undefined && (typeof note !== 'string' || [...note].length > 500)) {
    return { status: 422, body: { error: 'Validation failed: Note is too long (maximum is 500 characters)' } };
  }
  const account = typeof note === 'string' ? store.setNote(store.ownerId, plainTextToHtml(note)) : store.accountById(store.ownerId)!;
  return ok({ ...serializeAccount(account, store.domain), source: { note: note ?? '' } });
}
