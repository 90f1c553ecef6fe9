/**
 * The answer the gateway gives in place of a subgraph that cannot be reached, computed from the
 * fetch's own query over the checked-in supergraph (the same fetches @apollo/gateway sends).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SUPERGRAPH_PATH } from '../../schema/compose.ts';
import { createUnavailableResponder } from '../../gateway/subgraph-failure/unavailable-response.ts';

const respond = createUnavailableResponder(readFileSync(SUPERGRAPH_PATH, 'utf8'));
const ENTITIES = 'query($representations: [_Any!]!) { _entities(representations: $representations) {';
const error = (service: string, path: (string | number)[]) =>
  ({ message: `The ${service} subgraph is unavailable.`, path, extensions: { code: 'UPSTREAM_UNAVAILABLE', serviceName: service } });

describe('the answer in place of an unreachable subgraph', () => {
  it('degrades each entity field as its upstream failure would, echoing the keys it was sent', () => {
    const representations = [{ __typename: 'Customer', id: 'c1' }, { __typename: 'Customer', id: 'c2' }];
    const answer = respond('erp', {
      query: `${ENTITIES} ... on Customer { __typename id account { number } ltv: lifetimeValue { amount } erpSource { system linkedBy version } } } }`,
      variables: { representations },
    });
    expect(answer.data).toEqual({
      _entities: representations.map(({ id }) => ({
        __typename: 'Customer', id, account: null, ltv: null, erpSource: { system: 'ERP', linkedBy: 'UNAVAILABLE', version: null },
      })),
    });
    // erpSource is inaccessible: the CRM reports the gap in version and sources, not here.
    expect(answer.errors).toEqual([0, 1].flatMap((i) => [error('erp', ['_entities', i, 'account']), error('erp', ['_entities', i, 'ltv'])]));
  });

  it('gives non-null lists [] and connections the empty page, through the selection and its aliases', () => {
    const answer = respond('commerce', {
      query: `${ENTITIES} ... on Customer { orders(first: 2) { edges { node { id } } info: pageInfo { hasNextPage endCursor } } } } }`,
      variables: { representations: [{ __typename: 'Customer', id: 'c1' }] },
    });
    expect(answer.data).toEqual({ _entities: [{ orders: { edges: [], info: { hasNextPage: false, endCursor: null } } }] });
    expect(answer.errors).toEqual([error('commerce', ['_entities', 0, 'orders'])]);
  });

  it('nulls an entity with a non-null field that cannot degrade, with the error at that field', () => {
    const answer = respond('erp', {
      query: `${ENTITIES} ... on Order { fulfillment { status } totalIn(currency: "EUR") { amount } } } }`,
      variables: { representations: [{ __typename: 'Order', id: 'o1', total: { amount: '1.00', currency: 'USD' }, placedAt: '2026-01-01T00:00:00.000Z' }] },
    });
    expect(answer.data).toEqual({ _entities: [null] });
    expect(answer.errors).toEqual([error('erp', ['_entities', 0, 'fulfillment']), error('erp', ['_entities', 0, 'totalIn'])]);
  });

  it('answers root fields, nulling the whole answer when a non-null one cannot degrade', () => {
    expect(respond('commerce', { query: '{ product(sku: "x") { sku } orders(first: 1) { edges { cursor } } }' })).toEqual({
      data: { product: null, orders: { edges: [] } },
      errors: [error('commerce', ['product']), error('commerce', ['orders'])],
    });
    expect(respond('sync', { query: '{ syncStatus { systems { system } } }' })).toEqual({ data: null, errors: [error('sync', ['syncStatus'])] });
  });

  it('never makes up a mutation payload, not even an empty list', () => {
    const answer = respond('sync', {
      query: 'mutation($id: ID!) { cancelOrder(id: $id, expectedVersion: "v") { sync { system } } }',
      variables: { id: 'o1' },
    });
    expect(answer).toEqual({ data: null, errors: [error('sync', ['cancelOrder'])] });
  });
});
