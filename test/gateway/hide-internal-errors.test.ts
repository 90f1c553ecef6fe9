import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { parse, type GraphQLFormattedError } from 'graphql';
import { SUPERGRAPH_PATH } from '../../schema/compose.ts';
import { hideInternalErrors, hideInternalErrorsPlugin, inaccessibleFieldNames } from '../../gateway/plugins/hide-internal-errors.ts';

const supergraph = readFileSync(SUPERGRAPH_PATH, 'utf8');
const internal = inaccessibleFieldNames(supergraph);
const error = (path: (string | number)[], code = 'UPSTREAM_UNAVAILABLE', serviceName = 'commerce'): GraphQLFormattedError =>
  ({ message: 'Shopify is unreachable.', path, extensions: { code, serviceName } });

describe('inaccessibleFieldNames', () => {
  it('finds the fields marked @inaccessible in the supergraph, and not the fields of inaccessible types', () => {
    for (const name of ['links', 'erpSource', 'commerceSource', 'socialSource', 'shopOrderTotals', 'erpVersion', 'shopCustomer']) {
      expect(internal, name).toContain(name);
    }
    // CustomerLinks.email, OrderTotal.amount: the type is inaccessible, the names are public elsewhere.
    for (const name of ['email', 'amount', 'currency', 'id', 'orders', 'sources', 'version']) expect(internal, name).not.toContain(name);
  });

  it('follows a renamed @inaccessible', () => {
    const sdl = `
      schema @link(url: "https://specs.apollo.dev/link/v1.0") @link(url: "https://specs.apollo.dev/inaccessible/v0.2", as: "hidden") { query: Query }
      directive @hidden on FIELD_DEFINITION
      directive @inaccessible on FIELD_DEFINITION
      directive @link(url: String, as: String) repeatable on SCHEMA
      type Query { a: String @hidden b: String @inaccessible }
      extend type Query { c: Int @hidden }`;
    expect([...inaccessibleFieldNames(sdl)]).toEqual(['a', 'c']);
  });
});

describe('hideInternalErrors', () => {
  it('drops an error at an internal path when another error explains that part of the response', () => {
    const orders = error(['customer', 'orders']);
    const { errors, hidden } = hideInternalErrors([error(['customer', 'commerceSource']), orders], internal);
    expect(errors).toEqual([orders]);
    expect(hidden).toEqual([error(['customer', 'commerceSource'])]);
  });

  it('keeps one error at the nearest public ancestor when nothing else explains it', () => {
    const { errors } = hideInternalErrors([
      { ...error(['customers', 'edges', 3, 'node', 'links'], 'UPSTREAM_ERROR', 'crm'), locations: [{ line: 1, column: 2 }] },
      error(['customers', 'edges', 3, 'node', 'links', 'email'], 'UPSTREAM_ERROR', 'crm'),
    ], internal);
    expect(errors).toEqual([{ message: 'Shopify is unreachable.', path: ['customers', 'edges', 3, 'node'], extensions: { code: 'UPSTREAM_ERROR', serviceName: 'crm' } }]);
  });

  it('leaves public paths and errors without a path alone', () => {
    const all = [error(['customer', 'orders']), { message: 'x', extensions: { code: 'BAD_USER_INPUT' } }, error(['order', 'customer', 'email'])];
    expect(hideInternalErrors(all, internal)).toEqual({ errors: all, hidden: [] });
  });

  it('does not treat a key the client selected as internal (an alias named like an internal field)', () => {
    const aliased = error(['customer', 'links']);
    const document = parse('{ customer(id: "1") { links: orders { edges { cursor } } } }');
    expect(hideInternalErrors([aliased], internal, document).errors).toEqual([aliased]);
  });
});

describe('hideInternalErrorsPlugin', () => {
  const run = async (errors: GraphQLFormattedError[] | undefined, onHidden = vi.fn()) => {
    const plugin = hideInternalErrorsPlugin(supergraph, onHidden);
    const listener = await plugin.requestDidStart!({} as any);
    const response = { body: { kind: 'single', singleResult: { data: { customer: { orders: { edges: [] } } }, errors } }, http: {} };
    await listener!.willSendResponse!({ response, document: parse('{ customer(id: "1") { orders { edges { cursor } } } }') } as any);
    return { result: response.body.singleResult, onHidden };
  };

  it('rewrites the response\'s errors in willSendResponse and reports what it hid', async () => {
    const { result, onHidden } = await run([error(['customer', 'commerceSource']), error(['customer', 'orders'])]);
    expect(result.errors).toEqual([error(['customer', 'orders'])]);
    expect(onHidden).toHaveBeenCalledWith(error(['customer', 'commerceSource']));
  });

  it('leaves a response without internal errors untouched', async () => {
    const errors = [error(['customer', 'orders'])];
    const { result, onHidden } = await run(errors);
    expect(result.errors).toBe(errors);
    expect(onHidden).not.toHaveBeenCalled();
    expect((await run(undefined)).result.errors).toBeUndefined();
  });
});
