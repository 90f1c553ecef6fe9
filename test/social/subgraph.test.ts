import { afterEach, describe, expect, it } from 'vitest';
import { generateDataset } from '../../upstreams/dataset/generate.ts';
import { representations, startSocialStack, type SocialStack } from './harness.ts';

const PROFILE_FIELDS = 'network handle url displayName bio followers following posts lastActiveAt';
const ENTITIES = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Customer {
  socialSource { system externalId version updatedAt linkedBy }
  socialProfiles { ${PROFILE_FIELDS} recentPosts(first: 2) { id url text postedAt likes shares replies } }
} } }`;
const PROFILES = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Customer { socialProfiles { handle followers } } } }`;

const customer = (mastodonAcct: string | null, id = 'Q3VzdG9tZXI6OTk5') =>
  ({ __typename: 'Customer', id, links: { contactId: '999', email: null, erpPartnerId: null, shopCustomerId: null, mastodonAcct } });

let stack: SocialStack;
afterEach(() => stack?.close());

describe('social subgraph: Customer entities', () => {
  it('resolves a customer\'s Mastodon profile, recent posts and source from the stored acct', async () => {
    stack = await startSocialStack();
    const reps = representations(stack.dataset, 1, 3);
    expect(reps[0].links.mastodonAcct).toBe('radia3@social.example');
    expect(await stack.graphql(ENTITIES, { reps })).toEqual({
      data: {
        _entities: [{
          socialSource: { system: 'SOCIAL', externalId: '109000000000023757', version: null, updatedAt: null, linkedBy: 'STORED_ID' },
          socialProfiles: [{
            network: 'mastodon',
            handle: '@radia3@social.example',
            url: 'https://social.example/@radia3',
            displayName: 'Radia Schmidt',
            bio: 'Tinkerer & reader\nBased in Berlin\nPosts are my own.',
            followers: 3082,
            following: 759,
            posts: 5,
            lastActiveAt: '2026-10-26T00:00:00.000Z',
            recentPosts: [
              {
                id: '117507999072256000',
                url: 'https://social.example/@radia3/117507999072256000',
                text: 'Shipping day 1 — "it works" <3\n#build',
                postedAt: '2026-10-26T15:49:31.000Z',
                likes: 34,
                shares: 38,
                replies: 2,
              },
              {
                id: '117463275077632001',
                url: 'https://social.example/@radia3/117463275077632001',
                text: 'Shipping day 2 — "it works" <3\n#build',
                postedAt: '2026-10-18T18:15:37.000Z',
                likes: 166,
                shares: 23,
                replies: 7,
              },
            ],
          }],
        }],
      },
    });
  });

  it('gives no profiles and no source without an acct, or when the acct names no account', async () => {
    stack = await startSocialStack();
    const reps = [customer(null), customer(''), customer('nobody@social.example'), customer('not an acct')];
    const result = await stack.graphql(ENTITIES, { reps });
    expect(result).toEqual({ data: { _entities: Array(4).fill({ socialSource: null, socialProfiles: [] }) } });
    expect(stack.mastodon.counters()).toEqual({ 'GET /api/v1/accounts/lookup': 1 });
  });

  it('accepts a stored acct in another case, with a leading @ or without the domain', async () => {
    stack = await startSocialStack();
    const reps = [customer('@RADIA3@Social.Example'), customer('radia3')];
    const result = await stack.graphql(PROFILES, { reps });
    expect(result.data?._entities).toEqual([
      { socialProfiles: [{ handle: '@radia3@social.example', followers: 3082 }] },
      { socialProfiles: [{ handle: '@radia3@social.example', followers: 3082 }] },
    ]);
  });
});

describe('social subgraph: batching and the acct cache', () => {
  it('looks unknown accts up once each, then serves any batch of known ones with one request', async () => {
    stack = await startSocialStack();
    const all = representations(stack.dataset, 60);
    const withAcct = all.filter((r) => r.links.mastodonAcct).length;
    await stack.graphql(PROFILES, { reps: all });
    expect(stack.mastodon.counters()).toEqual({ 'GET /api/v1/accounts/lookup': withAcct });

    for (const size of [10, 50]) {
      stack.mastodon.resetCounters();
      const result = await stack.graphql(PROFILES, { reps: representations(stack.dataset, size) });
      expect(result.errors).toBeUndefined();
      expect(stack.mastodon.counters()).toEqual({ 'GET /api/v1/accounts': 1 });
    }
  });

  it('uses the lookup answer as the account data, so a cold customer costs exactly one request', async () => {
    stack = await startSocialStack();
    await stack.graphql(`query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Customer {
      socialSource { externalId } socialProfiles { handle } } } }`, { reps: representations(stack.dataset, 1, 3) });
    expect(stack.mastodon.counters()).toEqual({ 'GET /api/v1/accounts/lookup': 1 });
  });

  it('mixes one id request for known accts with lookups for the new ones', async () => {
    stack = await startSocialStack();
    await stack.graphql(PROFILES, { reps: representations(stack.dataset, 20) });
    stack.mastodon.resetCounters();
    const fresh = representations(stack.dataset, 20, 20).filter((r) => r.links.mastodonAcct).length;
    await stack.graphql(PROFILES, { reps: representations(stack.dataset, 40) });
    expect(stack.mastodon.counters()).toEqual({ 'GET /api/v1/accounts': 1, 'GET /api/v1/accounts/lookup': fresh });
  });

  it('asks for at most 40 ids per accounts request', async () => {
    stack = await startSocialStack({ dataset: generateDataset({ seed: 42, customers: 120, orders: 10, products: 5 }) });
    const reps = representations(stack.dataset, 120);
    expect(reps.filter((r) => r.links.mastodonAcct).length).toBeGreaterThan(40);
    await stack.graphql(PROFILES, { reps });
    stack.mastodon.resetCounters();
    const result = await stack.graphql(PROFILES, { reps });
    expect(result.errors).toBeUndefined();
    expect(stack.mastodon.counters()).toEqual({ 'GET /api/v1/accounts': 2 });
  });

  it('remembers that an acct has no account, but only for the not-found TTL', async () => {
    stack = await startSocialStack({ acctCache: { max: 100, notFoundTtlMs: 100 } });
    const reps = [customer('ghost@social.example')];
    await stack.graphql(PROFILES, { reps });
    await stack.graphql(PROFILES, { reps });
    expect(stack.mastodon.counters()).toEqual({ 'GET /api/v1/accounts/lookup': 1 });
    await new Promise((r) => setTimeout(r, 150));
    await stack.graphql(PROFILES, { reps });
    expect(stack.mastodon.counters()).toEqual({ 'GET /api/v1/accounts/lookup': 2 });
  });
});

describe('social subgraph: recentPosts', () => {
  it('costs one statuses request per account, once per account even when asked twice', async () => {
    stack = await startSocialStack();
    const reps = representations(stack.dataset, 12);
    const accounts = reps.filter((r) => r.links.mastodonAcct).length;
    const result = await stack.graphql(`query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Customer {
      socialProfiles { one: recentPosts(first: 1) { id } three: recentPosts(first: 3) { id } } } } }`, { reps });
    expect(result.errors).toBeUndefined();
    expect(stack.mastodon.counters()['GET /api/v1/accounts/{id}/statuses']).toBe(accounts);
    const profile = result.data?._entities[3].socialProfiles[0];
    expect(profile.one).toEqual([{ id: '117507999072256000' }]);
    expect(profile.three.map((p: { id: string }) => p.id)).toEqual(['117507999072256000', '117463275077632001', '117243799666688002']);
  });

  it('returns no posts for first: 0 without asking Mastodon', async () => {
    stack = await startSocialStack();
    const result = await stack.graphql(`query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Customer {
      socialProfiles { recentPosts(first: 0) { id } } } } }`, { reps: representations(stack.dataset, 1, 3) });
    expect(result.data?._entities).toEqual([{ socialProfiles: [{ recentPosts: [] }] }]);
    expect(stack.mastodon.counters()['GET /api/v1/accounts/{id}/statuses']).toBeUndefined();
  });

  it('refuses first above 40 with BAD_USER_INPUT naming the argument', async () => {
    stack = await startSocialStack();
    const result = await stack.graphql(`query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Customer {
      socialProfiles { recentPosts(first: 41) { id } } } } }`, { reps: representations(stack.dataset, 1, 3) });
    expect(result.errors).toEqual([expect.objectContaining({
      message: 'Argument "first" must be between 0 and 40: 41.',
      extensions: { argument: 'first', code: 'BAD_USER_INPUT' },
    })]);
  });
});

describe('social subgraph: upstream failures', () => {
  const leaks = (stack: SocialStack, body: unknown) => {
    const text = JSON.stringify(body);
    return ['127.0.0.1', String(stack.mastodon.port), 'http:', 'mastodon-test-token', 'stack'].filter((s) => text.includes(s));
  };

  it('degrades socialProfiles to [] with UPSTREAM_UNAVAILABLE at its path, naming no URL, when Mastodon is down', async () => {
    stack = await startSocialStack();
    stack.mastodon.setFaults({ down: true });
    const result = await stack.graphql(PROFILES, { reps: representations(stack.dataset, 1, 3) });
    expect(result.data).toEqual({ _entities: [{ socialProfiles: [] }] });
    expect(result.errors).toEqual([{
      message: 'Mastodon is unreachable.',
      path: ['_entities', 0, 'socialProfiles'],
      locations: expect.any(Array),
      // The stand-in closes the connection after reading the request: what it did with it is unknown (the gateway keeps this marker to itself).
      extensions: { system: 'Mastodon', code: 'UPSTREAM_UNAVAILABLE', outcomeUnknown: true },
    }]);
    expect(leaks(stack, result)).toEqual([]);
  });

  it('gives UPSTREAM_ERROR when Mastodon answers 500', async () => {
    stack = await startSocialStack();
    stack.mastodon.setFaults({ failStatus: 500 });
    const result = await stack.graphql(PROFILES, { reps: representations(stack.dataset, 1, 3) });
    expect(result.errors?.map((e) => [e.message, e.extensions?.code])).toEqual([['Mastodon failed (HTTP 500).', 'UPSTREAM_ERROR']]);
    expect(leaks(stack, result)).toEqual([]);
  });

  it('gives UPSTREAM_UNAVAILABLE when Mastodon rate-limits the token', async () => {
    stack = await startSocialStack({ rateLimit: { limit: 1 } });
    await stack.graphql(PROFILES, { reps: representations(stack.dataset, 1, 3) });
    const result = await stack.graphql(PROFILES, { reps: representations(stack.dataset, 1, 5) });
    expect(result.errors?.map((e) => [e.message, e.extensions?.code])).toEqual([['Mastodon is unavailable (HTTP 429).', 'UPSTREAM_UNAVAILABLE']]);
  });

  it('gives UPSTREAM_UNAVAILABLE when Mastodon does not answer in time', async () => {
    stack = await startSocialStack({ timeoutMs: 100 });
    stack.mastodon.setFaults({ latencyMs: 300 });
    const result = await stack.graphql(PROFILES, { reps: representations(stack.dataset, 1, 3) });
    expect(result.errors?.map((e) => [e.message, e.extensions?.code])).toEqual([['Mastodon did not answer within 100 ms.', 'UPSTREAM_UNAVAILABLE']]);
  });
});
