/**
 * The Mastodon REST entities as far as this subgraph reads them (Account, Status, CustomEmoji; see
 * docs.joinmastodon.org/entities), and the canonical objects the transforms make of them.
 */

/** A custom emoji: `:shortcode:` in display_name, note or content is shown as this image by Mastodon clients. */
export interface MastodonEmoji {
  shortcode: string;
  url?: string;
}

export interface MastodonAccount {
  /** A string, not guaranteed numeric. */
  id: string;
  username: string;
  /** "user" for a local account, "user@domain" for a remote one. */
  acct: string;
  display_name: string;
  /** HTML. */
  note: string;
  url: string | null;
  followers_count: number;
  following_count: number;
  statuses_count: number;
  /** A date only ("2026-11-20"), or null when the account never posted. */
  last_status_at: string | null;
  emojis?: MastodonEmoji[];
}

export interface MastodonStatus {
  id: string;
  created_at: string;
  /** HTML. */
  content: string;
  url: string | null;
  favourites_count: number;
  reblogs_count: number;
  replies_count: number;
  emojis?: MastodonEmoji[];
}

/** Canonical SocialProfile, plus the account id `recentPosts` needs. */
export interface SocialProfile {
  accountId: string;
  network: 'mastodon';
  handle: string;
  url: string | null;
  displayName: string | null;
  bio: string | null;
  followers: number;
  following: number;
  posts: number;
  lastActiveAt: string | null;
}

export interface SocialPost {
  id: string;
  url: string | null;
  text: string;
  /** Null only for a created_at that is not a date, which the client refuses before it gets here. */
  postedAt: string | null;
  likes: number;
  shares: number;
  replies: number;
}
