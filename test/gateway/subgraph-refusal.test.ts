/**
 * A subgraph's refusal of a request (a non-2xx answer with a GraphQL body) reaches the client with the
 * subgraph's own code, at the path of the field it concerns: it is the client's input, not an outage.
 * Values the subgraphs' scalars refuse are refused at the door already, before any system is called.
 */
import { describe, expect, it } from 'vitest';
import { useStack } from '../e2e/harness.ts';
import { devAuthHeader } from '../support/dev-token.ts';
import { useFakeSubgraph, useLoneGateway } from '../support/lone-gateway.ts';

describe('a DateTime no subgraph would accept', () => {
  const t = useStack();

  it.each([
    ['a literal', '{ customers(filter: { updatedSince: "nope" }) { edges { cursor } } orders(first: 1) { edges { cursor } } }', undefined],
    ['a variable', 'query($since: DateTime) { customers(filter: { updatedSince: $since }) { edges { cursor } } orders(first: 1) { edges { cursor } } }', { since: 'nope' }],
  ])('is refused at the door as BAD_USER_INPUT when it comes as %s, before any system is called', async (_how, query, variables) => {
    t.stack.resetUpstreamCounters();
    const { status, body } = await t.gql(query, variables);
    expect(status).toBe(200);
    expect(body.data).toBeUndefined();
    expect(body.errors).toEqual([expect.objectContaining({ message: expect.stringContaining('DateTime cannot represent "nope".'), extensions: { code: 'BAD_USER_INPUT' } })]);
    expect(t.stack.upstreamCounters()).toEqual({});
  });
});

describe('a subgraph refusing a request', () => {
  // A commerce subgraph that refuses every request as Apollo Server does a variable it cannot coerce.
  const commerce = useFakeSubgraph((_req, res) => {
    res.writeHead(400, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify({
      errors: [{ message: 'Variable "$representations" got invalid value.', extensions: { code: 'BAD_USER_INPUT' } }],
    }));
  });
  const gateway = useLoneGateway(() => ({ COMMERCE_SUBGRAPH_URL: commerce.url }));

  it('keeps its code and names it, at the path of each field it was asked for, rather than UPSTREAM_UNAVAILABLE', async () => {
    const res = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', ...(await devAuthHeader()) }, body: JSON.stringify({ query: '{ order(id: "a") { number } o2: order(id: "b") { number } }' }) });
    const body = await res.json();
    expect(body).toEqual({
      data: { order: null, o2: null },
      errors: [
        { message: 'Variable "$representations" got invalid value.', path: ['order'], extensions: { code: 'BAD_USER_INPUT', serviceName: 'commerce' } },
        { message: 'Variable "$representations" got invalid value.', path: ['o2'], extensions: { code: 'BAD_USER_INPUT', serviceName: 'commerce' } },
      ],
    });
  });
});
