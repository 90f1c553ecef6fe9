/** Field errors beside data: a real subgraph server over HTTP, with resolvers that report errors and still answer. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphQLError, type GraphQLResolveInfo } from 'graphql';
import { codedError } from '../../schema/errors.ts';
import { degradeOnUpstreamFailure, fallbackOnUpstreamFailure, isUpstreamFailure, reportedFieldErrors, reportFieldError } from '../../subgraphs/shared/field-errors.ts';
import { startSubgraph, type RunningSubgraph } from '../../subgraphs/shared/server.ts';
import { resolvers as socialResolvers, type SocialContext } from '../../subgraphs/social/resolvers.ts';
import { internalAuthHeader, TEST_LISTEN } from '../support/internal-token.ts';

const SDL = `
type Thing { name: String! }
type Query {
  items: [String!]!
  things: [Thing!]!
  leaky: String
  degraded: [String!]!
  broken: [String!]!
  relocated: String
}`;

const unavailable = () => codedError('UPSTREAM_UNAVAILABLE', 'Example is unreachable.', { system: 'Example' });

let server: RunningSubgraph;
beforeAll(async () => {
  server = await startSubgraph({
    name: 'example',
    sdl: SDL,
    context: () => ({}),
    resolvers: {
      Query: {
        items: (_: unknown, __: unknown, ctx: object, info: GraphQLResolveInfo) => {
          reportFieldError(ctx, info, unavailable());
          return ['a', 'b'];
        },
        things: () => [{ name: 'x' }, { name: 'y' }],
        // A plain Error (a bug) goes through the subgraph's formatError like any other: no message, no stack.
        leaky: (_: unknown, __: unknown, ctx: object, info: GraphQLResolveInfo) => {
          reportFieldError(ctx, info, new Error('secret at http://10.0.0.1/x'));
          return 'served';
        },
        degraded: (_: unknown, __: unknown, ctx: object, info: GraphQLResolveInfo) =>
          degradeOnUpstreamFailure(ctx, info, [] as string[], async () => { throw codedError('UPSTREAM_ERROR', 'Example failed (HTTP 500).'); }),
        broken: (_: unknown, __: unknown, ctx: object, info: GraphQLResolveInfo) =>
          degradeOnUpstreamFailure(ctx, info, [] as string[], async () => { throw codedError('BAD_USER_INPUT', 'Argument "x" is wrong.'); }),
        // An error that already carries another path is reported at this field.
        relocated: (_: unknown, __: unknown, ctx: object, info: GraphQLResolveInfo) => {
          reportFieldError(ctx, info, new GraphQLError('Elsewhere.', { path: ['somewhere', 0], extensions: { code: 'UPSTREAM_UNAVAILABLE' } }));
          return 'here';
        },
      },
      Thing: {
        name: (thing: { name: string }, _: unknown, ctx: object, info: GraphQLResolveInfo) => {
          reportFieldError(ctx, info, unavailable());
          return thing.name;
        },
      },
    } as any,
  }, TEST_LISTEN);
});
afterAll(() => server.close());

const gql = async (query: string) => {
  const headers = { 'content-type': 'application/json', ...(await internalAuthHeader('example')) };
  const res = await fetch(server.url, { method: 'POST', headers, body: JSON.stringify({ query }) });
  const text = await res.text();
  return { status: res.status, text, body: JSON.parse(text) };
};

describe('reportFieldError', () => {
  it('delivers the value and the error at the field\'s path, with its message, location and extensions', async () => {
    const { status, body } = await gql('{ items }');
    expect(status).toBe(200);
    expect(body).toEqual({
      data: { items: ['a', 'b'] },
      errors: [{ message: 'Example is unreachable.', path: ['items'], locations: [{ line: 1, column: 3 }], extensions: { code: 'UPSTREAM_UNAVAILABLE', system: 'Example' } }],
    });
  });

  it('reports at list indices for fields under a list', async () => {
    const { body } = await gql('{ things { name } }');
    expect(body.data).toEqual({ things: [{ name: 'x' }, { name: 'y' }] });
    expect(body.errors.map((e: any) => e.path)).toEqual([['things', 0, 'name'], ['things', 1, 'name']]);
  });

  it('appends reported errors after the errors of fields that threw', async () => {
    const { body } = await gql('{ items broken }');
    expect(body.data).toBeNull();
    expect(body.errors.map((e: any) => [e.path, e.extensions.code])).toEqual([[['broken'], 'BAD_USER_INPUT'], [['items'], 'UPSTREAM_UNAVAILABLE']]);
  });

  it('formats reported errors like every other error: an unregistered one becomes INTERNAL_SERVER_ERROR', async () => {
    const { body, text } = await gql('{ leaky }');
    expect(body).toEqual({ data: { leaky: 'served' }, errors: [{ message: 'Internal error.', path: ['leaky'], locations: expect.any(Array), extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
    expect(text).not.toMatch(/10\.0\.0\.1|stacktrace|secret/);
  });

  it('moves an error that already has a path to the field reporting it', async () => {
    const { body } = await gql('{ relocated }');
    expect(body).toEqual({ data: { relocated: 'here' }, errors: [expect.objectContaining({ message: 'Elsewhere.', path: ['relocated'] })] });
  });

  it('keeps errors per request', async () => {
    await gql('{ items }');
    expect(await gql('{ things { __typename } }').then((r) => r.body)).toEqual({ data: { things: [{ __typename: 'Thing' }, { __typename: 'Thing' }] } });
  });
});

describe('degradeOnUpstreamFailure', () => {
  it('answers the fallback with the error at the field for an upstream failure', async () => {
    const { body } = await gql('{ degraded }');
    expect(body).toEqual({ data: { degraded: [] }, errors: [expect.objectContaining({ path: ['degraded'], extensions: { code: 'UPSTREAM_ERROR' } })] });
  });

  it('throws any other error as before', async () => {
    const { body } = await gql('{ broken }');
    expect(body).toEqual({ data: null, errors: [expect.objectContaining({ path: ['broken'], extensions: { code: 'BAD_USER_INPUT' } })] });
  });

  it('has a silent sibling for inaccessible fields: fallbackOnUpstreamFailure', async () => {
    expect(await fallbackOnUpstreamFailure('fallback', async () => { throw codedError('UPSTREAM_ERROR', 'x'); })).toBe('fallback');
    expect(await fallbackOnUpstreamFailure('fallback', async () => 'value')).toBe('value');
    await expect(fallbackOnUpstreamFailure('fallback', async () => { throw new Error('bug'); })).rejects.toThrow('bug');
  });

  it('knows the upstream codes', () => {
    expect(isUpstreamFailure(codedError('UPSTREAM_UNAVAILABLE', 'x'))).toBe(true);
    expect(isUpstreamFailure(codedError('UPSTREAM_ERROR', 'x'))).toBe(true);
    expect(isUpstreamFailure(codedError('NOT_FOUND', 'x'))).toBe(false);
    expect(isUpstreamFailure(new Error('x'))).toBe(false);
  });
});

describe('SocialProfile.recentPosts when Mastodon fails after the profile was read', () => {
  const info = { path: { prev: { prev: undefined, key: 0, typename: undefined }, key: 'recentPosts', typename: 'SocialProfile' }, fieldNodes: [] } as unknown as GraphQLResolveInfo;
  const profile = { accountId: '42' } as any;
  const recentPosts = (socialResolvers.SocialProfile as any).recentPosts;

  it('degrades to [] with the error at its path', async () => {
    const ctx = { loaders: { recentStatuses: { load: () => Promise.reject(codedError('UPSTREAM_ERROR', 'Mastodon failed (HTTP 500).', { system: 'Mastodon' })) } } } as unknown as SocialContext;
    expect(await recentPosts(profile, { first: 2 }, ctx, info)).toEqual([]);
    expect(reportedFieldErrors(ctx).map((e) => [e.path, e.message, e.extensions])).toEqual([
      [[0, 'recentPosts'], 'Mastodon failed (HTTP 500).', { system: 'Mastodon', code: 'UPSTREAM_ERROR' }],
    ]);
  });

  it('still refuses a bad first', async () => {
    const ctx = { loaders: {} } as unknown as SocialContext;
    await expect(recentPosts(profile, { first: 41 }, ctx, info)).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
  });
});
