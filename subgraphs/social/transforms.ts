/**
 * Pure transforms from Mastodon REST entities to the canonical social types. Mastodon gives HTML for
 * note and content, a date only for last_status_at, a bare username as `acct` for local accounts, and
 * custom emoji as `:shortcode:` text that its clients replace with images.
 */
import { toDateTime } from '../shared/datetime.ts';
import { emptyToNull, htmlToText } from '../shared/text.ts';
import type { SourceRecord } from '../shared/sources.ts';
import type { MastodonAccount, MastodonEmoji, MastodonStatus, SocialPost, SocialProfile } from './types.ts';

const ACCT = /^[^\s@/?#]+(@[^\s@/?#]+)?$/;

/**
 * The form an acct is looked up and cached by: trimmed, without a leading "@", lower case (Mastodon
 * matches usernames and domains case-insensitively). Null when empty or not shaped like `user[@domain]`.
 */
export function normalizeAcct(acct: string | null | undefined): string | null {
  const text = acct?.trim().replace(/^@/, '').toLowerCase() ?? '';
  return ACCT.test(text) ? text : null;
}

/**
 * "@user@domain". A remote account's acct already names its domain. A local account's acct is the bare
 * username: the domain is the one in the acct the CRM stored, else the host of the account's profile URL
 * (the instance's web domain, which on almost every instance is its account domain too).
 */
export function qualifiedHandle(account: MastodonAccount, storedAcct: string | null): string {
  if (account.acct.includes('@')) return `@${account.acct}`;
  const domain = storedAcct?.split('@')[1] ?? hostOf(account.url);
  return domain ? `@${account.acct}@${domain}` : `@${account.acct}`;
}

/**
 * Removes the custom emoji shortcodes the record lists (`:blobcat:`): clients draw them as images, so as
 * text they are noise, and a plain-text field has no place for the image. Only listed shortcodes go, so
 * text such as "10:30:00" is kept; spaces left around a removed shortcode are collapsed.
 */
export function stripCustomEmoji(text: string, emojis: MastodonEmoji[] | undefined): string {
  if (!emojis?.length) return text;
  const codes = emojis.map((e) => e.shortcode.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  return text.replace(new RegExp(`:(?:${codes}):`, 'g'), '')
    .split('\n').map((line) => line.replace(/[ \t]{2,}/g, ' ').trim()).join('\n').trim();
}

/** A Mastodon account as a canonical SocialProfile. `storedAcct` is the normalized acct the CRM holds. */
export function fromMastodonAccount(account: MastodonAccount, storedAcct: string | null): SocialProfile {
  return {
    accountId: account.id,
    network: 'mastodon',
    handle: qualifiedHandle(account, storedAcct),
    url: emptyToNull(account.url),
    displayName: emptyToNull(stripCustomEmoji(account.display_name ?? '', account.emojis)),
    bio: emptyToNull(stripCustomEmoji(htmlToText(account.note), account.emojis)),
    followers: account.followers_count,
    following: account.following_count,
    posts: account.statuses_count,
    lastActiveAt: toDateTime(account.last_status_at),
  };
}

/** A status as a canonical SocialPost: plain text, likes ← favourites, shares ← reblogs. */
export function fromMastodonStatus(status: MastodonStatus): SocialPost {
  return {
    id: status.id,
    url: emptyToNull(status.url),
    text: stripCustomEmoji(htmlToText(status.content), status.emojis),
    postedAt: toDateTime(status.created_at),
    likes: status.favourites_count,
    shares: status.reblogs_count,
    replies: status.replies_count,
  };
}

/**
 * The SourceRecord for the account. Mastodon has no email, so the link is always the stored acct, and it
 * keeps no change marker on accounts, so version and updatedAt are null.
 */
export function socialSourceOf(account: MastodonAccount): SourceRecord {
  return { system: 'SOCIAL', externalId: account.id, version: null, updatedAt: null, linkedBy: 'STORED_ID' };
}

function hostOf(url: string | null): string | null {
  try {
    return url ? new URL(url).hostname : null;
  } catch {
    return null;
  }
}
