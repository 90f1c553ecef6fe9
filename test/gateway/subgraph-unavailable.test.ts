import { describe, expect, it } from 'vitest';
import { devAuthHeader } from '../support/dev-token.ts';
import { useFakeSubgraph, useLoneGateway } from '../support/lone-gateway.ts';

const unavailable = (name: string, path: (string | number)[]) =>
  ({ message: `The ${name} subgraph is unavailable.`, path, extensions: { code: 'UPSTREAM_UNAVAILABLE', serviceName: name } });

describe('a gateway whose subgraphs are down', () => {
  // The CRM accepts connections and never answers; commerce sits behind a proxy that answers 502 with a page.
  const silent = useFakeSubgraph(() => {});
  const badGateway = useFakeSubgraph((_req, res) => res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>502 Bad Gateway</h1>'));
  const gateway = useLoneGateway(() => ({ CRM_SUBGRAPH_URL: silent.url, COMMERCE_SUBGRAPH_URL: badGateway.url, SUBGRAPH_TIMEOUT_MS: '300' }));

  const post = async (body: unknown) => {
    const res = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', ...(await devAuthHeader()) }, body: JSON.stringify(body) });
    return { status: res.status, text: await res.text() };
  };

  it('answers UPSTREAM_UNAVAILABLE at the field\'s path for a timeout and a 502 page, naming the subgraph but not its URL', async () => {
    const { status, text } = await post({ query: '{ first: order(id: "x") { id } customer(id: "y") { id } }' });
    expect(status).toBe(200);
    const body = JSON.parse(text);
    expect(body.data).toEqual({ first: null, customer: null });
    expect(body.errors).toEqual(expect.arrayContaining([unavailable('commerce', ['first']), unavailable('crm', ['customer'])]));
    expect(body.errors).toHaveLength(2);
    expect(text).not.toContain('127.0.0.1');
    expect(text).not.toContain('stacktrace');
    expect(text).not.toContain('502');
  });

  it('answers a connection of a dead subgraph as the empty page, so other root fields are still answered', async () => {
    const { text } = await post({ query: `{
      orders(first: 2) { edges { cursor } pageInfo { hasNextPage endCursor } }
      discrepancies(first: 1) { edges { cursor } pageInfo { hasNextPage } }
      customer(id: "y") { id }
    }` });
    const body = JSON.parse(text);
    expect(body.data).toEqual({
      orders: { edges: [], pageInfo: { hasNextPage: false, endCursor: null } },
      discrepancies: { edges: [], pageInfo: { hasNextPage: false } },
      customer: null,
    });
    expect(body.errors).toEqual(expect.arrayContaining([
      unavailable('commerce', ['orders']), unavailable('sync', ['discrepancies']), unavailable('crm', ['customer']),
    ]));
    expect(body.errors).toHaveLength(3);
  });

  it('answers a mutation to a dead subgraph with data null, never a made-up payload', async () => {
    const { text } = await post({ query: 'mutation { createCustomer(input: { email: "new@example.com" }) { customer { id } } }' });
    expect(JSON.parse(text)).toEqual({ data: null, errors: [unavailable('sync', ['createCustomer'])] });
  });

  it('refuses a syntax error with GRAPHQL_PARSE_FAILED and no stack trace', async () => {
    const { status, text } = await post({ query: '{ customer(id: ' });
    expect(status).toBe(200);
    expect(JSON.parse(text).errors[0].extensions).toEqual({ code: 'GRAPHQL_PARSE_FAILED' });
  });

  it('does not suggest field names for an unknown field', async () => {
    const { text } = await post({ query: '{ customer(id: "1") { nam } }' });
    const error = JSON.parse(text).errors[0];
    expect(error.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(error.message).toBe('Cannot query field "nam" on type "Customer".');
  });

  it('answers a body that is not JSON with BAD_USER_INPUT', async () => {
    const res = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{nope' });
    expect(res.status).toBe(400);
    expect((await res.json()).errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });
});
