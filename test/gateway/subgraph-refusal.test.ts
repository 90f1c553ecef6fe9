/**
 * A subgraph's refusal of a request (HTTP 400 with a GraphQL body) reaches the client with the
 * subgraph's own code, at the path of the field it concerns: it is the client's input, not an outage.
 */
import { describe, expect, it } from 'vitest';
import { useStack } from '../e2e/harness.ts';

const t = useStack();

describe('a subgraph refusing a request', () => {
  it('answers BAD_USER_INPUT at the field for an unparsable DateTime literal, not UPSTREAM_UNAVAILABLE', async () => {
    const { status, body } = await t.gql('{ customers(filter: { updatedSince: "nope" }) { edges { cursor } } }');
    expect(status).toBe(200);
    expect(body).toEqual({
      data: null,
      errors: [{
        message: 'Expected value of type "DateTime", found "nope"; DateTime cannot represent "nope".',
        path: ['customers'],
        extensions: { code: 'BAD_USER_INPUT', serviceName: 'crm' },
      }],
    });
  });

  it('answers BAD_USER_INPUT naming the variable when the same value comes in a variable', async () => {
    const { body } = await t.gql('query($since: DateTime) { customers(filter: { updatedSince: $since }) { edges { cursor } } }', { since: 'nope' });
    expect(body).toEqual({
      data: null,
      errors: [{
        message: 'Variable "$since" got invalid value "nope"; Expected type "DateTime". DateTime cannot represent "nope".',
        path: ['customers'],
        extensions: { code: 'BAD_USER_INPUT', serviceName: 'crm' },
      }],
    });
  });

  it("names the refusing subgraph: commerce's for an order filter", async () => {
    const { body } = await t.gql('{ orders(filter: { placedAfter: "yesterday" }) { edges { cursor } } }');
    expect(body.data).toBeNull();
    expect(body.errors).toEqual([{
      message: 'Expected value of type "DateTime", found "yesterday"; DateTime cannot represent "yesterday".',
      path: ['orders'],
      extensions: { code: 'BAD_USER_INPUT', serviceName: 'commerce' },
    }]);
  });
});
