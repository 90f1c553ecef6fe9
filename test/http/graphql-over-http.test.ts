import { auditServer } from 'graphql-http';
import { beforeAll, describe, expect, it } from 'vitest';
import { useLoneGateway } from '../support/lone-gateway.ts';
import { devAuthHeader } from '../support/dev-token.ts';

describe('GraphQL over HTTP', () => {
  const gateway = useLoneGateway();
  let auth: { authorization: string };
  beforeAll(async () => {
    auth = await devAuthHeader();
  });

  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', ...auth, ...headers }, body });
  const answer = async (res: Response) => ({ status: res.status, type: res.headers.get('content-type'), body: await res.json() });

  it('passes every audit of the graphql-http suite: each MUST and SHOULD, and the MAYs too', async () => {
    const results = await auditServer({
      url: gateway.url,
      fetchFn: (input: RequestInfo | URL, init: RequestInit = {}) => {
        const headers = new Headers(init.headers);
        headers.set('authorization', auth.authorization);
        return fetch(input, { ...init, headers });
      },
    });
    expect(results.filter((r) => r.name.startsWith('MUST') || r.name.startsWith('SHOULD')).length).toBeGreaterThanOrEqual(36);
    expect(results.filter((r) => r.status !== 'ok').map((r) => `${r.id} ${r.name}: ${'reason' in r ? r.reason : ''}`)).toEqual([]);
  });

  it('answers a parse error with 200 under application/json and 400 under application/graphql-response+json', async () => {
    const legacy = await answer(await post(JSON.stringify({ query: '{ customer(id: ' }), { accept: 'application/json' }));
    expect(legacy.status).toBe(200);
    expect(legacy.type).toBe('application/json; charset=utf-8');
    expect(legacy.body.errors[0].extensions).toEqual({ code: 'GRAPHQL_PARSE_FAILED' });
    expect(legacy.body).not.toHaveProperty('data');
    const modern = await answer(await post(JSON.stringify({ query: '{ customer(id: ' }), { accept: 'application/graphql-response+json' }));
    expect(modern.status).toBe(400);
    expect(modern.type).toBe('application/graphql-response+json; charset=utf-8');
    expect(modern.body.errors[0].extensions).toEqual({ code: 'GRAPHQL_PARSE_FAILED' });
  });

  it('refuses a body that is not JSON in UTF-8 with 415, without executing it', async () => {
    for (const type of ['application/xml', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-16']) {
      const res = await answer(await post(JSON.stringify({ query: '{ __typename }' }), { 'content-type': type }));
      expect(res.status, type).toBe(415);
      expect(res.body).toEqual({ errors: [{ message: 'A POST body must be application/json in UTF-8.', extensions: { code: 'BAD_USER_INPUT' } }] });
    }
  });

  it('refuses an Accept header it cannot satisfy with 406', async () => {
    const res = await answer(await post(JSON.stringify({ query: '{ __typename }' }), { accept: 'text/html' }));
    expect(res.status).toBe(406);
    expect(res.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('refuses a mutation over GET with 405 and Allow: POST', async () => {
    const query = 'mutation { cancelOrder(id: "x", expectedVersion: "y") { order { id } } }';
    const res = await fetch(`${gateway.url}?query=${encodeURIComponent(query)}`, { headers: { ...auth, 'content-type': 'application/json' } });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect((await res.json()).errors[0]).toEqual({ message: 'Mutations must be sent with POST.', extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('refuses other methods with 405 and Allow: GET, POST', async () => {
    const res = await fetch(gateway.url, { method: 'PUT', headers: auth });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, POST');
  });

  it('refuses array batches with 400', async () => {
    const res = await answer(await post(JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }])));
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ message: 'Batched requests are not supported: send one operation per request.', extensions: { code: 'BAD_USER_INPUT' } }]);
  });

  describe('operation selection errors are client errors (400 BAD_USER_INPUT), never 500', () => {
    it.each([
      ['several operations without operationName', { query: 'query A { __typename } query B { __typename }' }, 'The document has several operations: send the one to run as operationName.'],
      ['an unknown operationName', { query: 'query A { __typename }', operationName: 'B' }, 'Unknown operation named "B".'],
      ['a subscription', { query: 'subscription { __typename }' }, 'Subscriptions are not supported.'],
    ])('%s', async (_name, body, message) => {
      for (const accept of ['application/json', 'application/graphql-response+json']) {
        const res = await answer(await post(JSON.stringify(body), { accept }));
        expect(res.status).toBe(400);
        expect(res.body).toEqual({ errors: [{ message, extensions: { code: 'BAD_USER_INPUT' } }] });
      }
    });

    it('runs the named one of several operations', async () => {
      const res = await answer(await post(JSON.stringify({ query: 'query A { a: __typename } query B { b: __typename }', operationName: 'B' })));
      expect(res).toMatchObject({ status: 200, body: { data: { b: 'Query' } } });
    });
  });

  it('answers a variable of the wrong type with BAD_USER_INPUT, 200 under application/json', async () => {
    const res = await answer(await post(JSON.stringify({ query: 'query($n: Int!) { customers(first: $n) { edges { cursor } } }', variables: { n: 'ten' } })));
    expect(res.status).toBe(200);
    expect(res.body.errors[0].extensions).toEqual({ code: 'BAD_USER_INPUT' });
    expect(res.body.errors[0].message).toContain('Int cannot represent non-integer value');
  });

  it('asks for a token only after refusing a malformed request', async () => {
    const res = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{nope' });
    expect(res.status).toBe(400);
    const anonymous = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });
});
