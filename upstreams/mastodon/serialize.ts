/**
 * Renders stored records as Mastodon 4.3's REST::AccountSerializer and REST::StatusSerializer do: the
 * dataset's values untouched (HTML note and content, date-only last_status_at, string ids), plus the
 * attributes every real response carries, with the values an ordinary local account has.
 */
import type { MastodonAccount, MastodonStatus } from '../dataset/types.ts';

/** An Account entity as the API returns it. */
export function serializeAccount(account: MastodonAccount, domain: string): Record<string, unknown> {
  return {
    id: account.id,
    username: account.username,
    acct: account.acct,
    display_name: account.display_name,
    locked: false,
    bot: false,
    discoverable: true,
    indexable: true,
    group: false,
    created_at: account.created_at,
    note: account.note,
    url: account.url,
    uri: `https://${domain}/users/${account.username}`,
    avatar: account.avatar,
    avatar_static: account.avatar,
    header: `https://${domain}/headers/original/missing.png`,
    header_static: `https://${domain}/headers/original/missing.png`,
    followers_count: account.followers_count,
    following_count: account.following_count,
    statuses_count: account.statuses_count,
    last_status_at: account.last_status_at,
    hide_collections: false,
    noindex: false,
    emojis: [],
    roles: [],
    fields: account.fields,
  };
}

/** A Status entity as the API returns it, with its author embedded as Mastodon does. */
export function serializeStatus(status: MastodonStatus, author: MastodonAccount, domain: string): Record<string, unknown> {
  return {
    id: status.id,
    created_at: status.created_at,
    in_reply_to_id: null,
    in_reply_to_account_id: null,
    sensitive: false,
    spoiler_text: '',
    visibility: status.visibility,
    language: 'en',
    uri: `https://${domain}/users/${author.username}/statuses/${status.id}`,
    url: status.url,
    replies_count: status.replies_count,
    reblogs_count: status.reblogs_count,
    favourites_count: status.favourites_count,
    edited_at: null,
    content: status.content,
    reblog: null,
    account: serializeAccount(author, domain),
    media_attachments: [],
    mentions: [],
    tags: [],
    emojis: [],
    card: null,
    poll: null,
  };
}
