import { describe, expect, it } from 'vitest';
import { fromMastodonAccount, fromMastodonStatus, normalizeAcct, qualifiedHandle, socialSourceOf, stripCustomEmoji } from '../../subgraphs/social/transforms.ts';
import type { MastodonAccount, MastodonStatus } from '../../subgraphs/social/types.ts';
import localAccount from './fixtures/account-local.json' with { type: 'json' };
import remoteAccount from './fixtures/account-remote-emoji.json' with { type: 'json' };
import blankAccount from './fixtures/account-blank.json' with { type: 'json' };
import localStatuses from './fixtures/statuses-local.json' with { type: 'json' };
import remoteStatus from './fixtures/status-remote-emoji.json' with { type: 'json' };

describe('normalizeAcct', () => {
  it('trims, drops a leading @ and lower-cases', () => {
    expect(normalizeAcct('  @Ada@Social.Example ')).toBe('ada@social.example');
    expect(normalizeAcct('ada')).toBe('ada');
  });

  it('gives null for empty or malformed accts', () => {
    expect(normalizeAcct(null)).toBeNull();
    expect(normalizeAcct('   ')).toBeNull();
    expect(normalizeAcct('@')).toBeNull();
    expect(normalizeAcct('a@b@c')).toBeNull();
    expect(normalizeAcct('ada lovelace')).toBeNull();
    expect(normalizeAcct('ada@social.example/../admin')).toBeNull();
  });
});

describe('fromMastodonAccount', () => {
  it('maps a local account recorded from the stand-in', () => {
    expect(fromMastodonAccount(localAccount as MastodonAccount, 'dennis3@social.example')).toEqual({
      accountId: '109000000000023757',
      network: 'mastodon',
      handle: '@dennis3@social.example',
      url: 'https://social.example/@dennis3',
      displayName: 'Dennis Allen',
      bio: 'Tinkerer & reader\nBased in San Francisco\nPosts are my own.',
      followers: 3749,
      following: 589,
      posts: 3,
      lastActiveAt: '2026-05-01T00:00:00.000Z',
    });
  });

  it('keeps a remote account\'s own domain and strips its custom emoji from name and bio', () => {
    expect(fromMastodonAccount(remoteAccount as MastodonAccount, 'bob@other.example')).toEqual({
      accountId: '110451320457198433',
      network: 'mastodon',
      handle: '@Bob@other.example',
      url: 'https://other.example/@Bob',
      displayName: 'Bob',
      bio: 'Café owner in @lyon — opens 10:30:00 daily\nMenu: https://cafe.example/menu/today-and-tomorrow #coffee',
      followers: 12034,
      following: 0,
      posts: 4821,
      lastActiveAt: '2026-11-19T00:00:00.000Z',
    });
  });

  it('turns an empty display name and note into null and a never-used account into no lastActiveAt', () => {
    expect(fromMastodonAccount(blankAccount as MastodonAccount, 'quiet')).toMatchObject({
      handle: '@quiet@web.social.example',
      displayName: null,
      bio: null,
      posts: 0,
      lastActiveAt: null,
    });
  });
});

describe('qualifiedHandle', () => {
  const account = blankAccount as MastodonAccount;

  it('takes a local account\'s domain from the stored acct', () => {
    expect(qualifiedHandle(account, 'quiet@social.example')).toBe('@quiet@social.example');
  });

  it('falls back to the host of the profile URL when the stored acct has no domain', () => {
    expect(qualifiedHandle(account, 'quiet')).toBe('@quiet@web.social.example');
  });

  it('leaves the handle unqualified only when there is no domain anywhere', () => {
    expect(qualifiedHandle({ ...account, url: null }, 'quiet')).toBe('@quiet');
  });
});

describe('stripCustomEmoji', () => {
  it('removes only the listed shortcodes and collapses the spaces they leave', () => {
    expect(stripCustomEmoji(':flag_fr: Ada  :verified: at 10:30:00 :unknown:', [{ shortcode: 'verified' }, { shortcode: 'flag_fr' }]))
      .toBe('Ada at 10:30:00 :unknown:');
  });

  it('leaves text alone when the record lists no emoji', () => {
    expect(stripCustomEmoji('  Ada :verified:  ', [])).toBe('  Ada :verified:  ');
  });
});

describe('fromMastodonStatus', () => {
  it('maps statuses recorded from the stand-in, HTML entities decoded', () => {
    expect((localStatuses as MastodonStatus[]).map(fromMastodonStatus)).toEqual([
      {
        id: '116499329843200000',
        url: 'https://social.example/@dennis3/116499329843200000',
        text: 'Shipping day 1 — "it works" <3\n#build',
        postedAt: '2026-05-01T12:31:40.000Z',
        likes: 23,
        shares: 12,
        replies: 2,
      },
      expect.objectContaining({ id: localStatuses[1].id, text: 'Shipping day 2 — "it works" <3\n#build' }),
    ]);
  });

  it('flattens mentions, hashtags and custom emoji of a remote reply with no url', () => {
    expect(fromMastodonStatus(remoteStatus as MastodonStatus)).toEqual({
      id: '113520987654321098',
      url: null,
      text: '@dennis3 open at 10:30:00\nTarte & café <3\n#coffee',
      postedAt: '2026-11-20T09:15:00.123Z',
      likes: 17,
      shares: 3,
      replies: 0,
    });
  });
  it('writes the text with one plain space between words and the author\'s line breaks kept', () => {
    const status = { ...(remoteStatus as MastodonStatus), content: '<p>Tarte\t&amp;\u00a0\u00a0café\u200b</p><p>open   at&nbsp;10</p>', emojis: [] };
    expect(fromMastodonStatus(status).text).toBe('Tarte & café\nopen at 10');
  });
});

describe('socialSourceOf', () => {
  it('reports the account id, linked by the stored acct, with no change marker', () => {
    expect(socialSourceOf(localAccount as MastodonAccount)).toEqual({
      system: 'SOCIAL', externalId: '109000000000023757', version: null, updatedAt: null, linkedBy: 'STORED_ID',
    });
  });
});
