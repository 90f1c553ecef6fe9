/**
 * The Mastodon stand-in's own copy of its slice of the dataset, and the only code that changes it (a
 * profile note, for now). Mastodon keeps no change marker on accounts or statuses, so there is none to update.
 */
import type { MastodonAccount, MastodonData, MastodonStatus } from '../dataset/types.ts';
import { copyData } from '../shared/copy-data.ts';

export interface MastodonStore {
  /** The instance's own domain (LOCAL_DOMAIN), e.g. social.example. */
  domain: string;
  accountById(id: string): MastodonAccount | undefined;
  /** A local account by username, case-insensitively, as Mastodon matches usernames. */
  localAccount(username: string): MastodonAccount | undefined;
  /** The account's statuses, newest first (by id, which Mastodon orders by time). */
  statusesOf(accountId: string): MastodonStatus[];
  /** The account the stand-in's one access token belongs to: the first local account. */
  ownerId: string;
  /** Sets an account's note (HTML, as Mastodon stores it). */
  setNote(accountId: string, html: string): MastodonAccount;
}

/** Copies the data so that the stand-in's writes never reach the caller's dataset. */
export function createMastodonStore(data: MastodonData): MastodonStore {
  const copy = copyData(data);
  const byId = new Map(copy.accounts.map((a) => [a.id, a]));
  const byUsername = new Map(copy.accounts.map((a) => [a.username.toLowerCase(), a]));
  const statuses = new Map<string, MastodonStatus[]>();
  for (const status of copy.statuses) statuses.set(status.account_id, [...(statuses.get(status.account_id) ?? []), status]);
  for (const list of statuses.values()) list.sort((a, b) => compareIds(b.id, a.id));

  return {
    domain: copy.domain,
    accountById: (id) => byId.get(id),
    localAccount: (username) => byUsername.get(username.toLowerCase()),
    statusesOf: (accountId) => statuses.get(accountId) ?? [],
    ownerId: copy.accounts[0]?.id ?? '',
    setNote(accountId, html) {
      const account = byId.get(accountId)!;
      account.note = html;
      return account;
    },
  };
}

/** Mastodon ids are numeric strings (snowflakes) compared as integers, not as text. */
export function compareIds(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
