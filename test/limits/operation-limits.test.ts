import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { readGatewayConfig } from '../../gateway/config.ts';
import { startGateway } from '../../gateway/gateway.ts';
import { createLogger } from '../../gateway/logger.ts';
import { useLoneGateway } from '../support/lone-gateway.ts';
import { devAuthHeader } from '../support/dev-token.ts';

const repeat = (n: number, text: (i: number) => string) => Array.from({ length: n }, (_, i) => text(i)).join(' ');

describe('operation limits', () => {
  const gateway = useLoneGateway();
  let auth: { authorization: string };
  beforeAll(async () => {
    auth = await devAuthHeader();
  });
  const run = async (query: string, variables?: Record<string, unknown>) => {
    const started = performance.now();
    const res = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...auth }, body: JSON.stringify({ query, variables }) });
    return { status: res.status, body: await res.json(), ms: performance.now() - started };
  };

  it('refuses a document past maxTokens while parsing (100,000 repeated fields)', async () => {
    const { status, body, ms } = await run(`{ ${'a '.repeat(100_000)} }`);
    expect(status).toBe(400);
    expect(body).toEqual({ errors: [{ message: 'The document has more than 2000 tokens.', extensions: { code: 'QUERY_TOO_COMPLEX', measure: 'tokens', limit: 2000 } }] });
    expect(ms).toBeLessThan(1000);
  });

  it('refuses nesting past maxDepth (an orders → customer → orders chain)', async () => {
    const hop = (inner: string) => `orders(first: 1) { edges { node { customer { ${inner} } } } }`;
    const chain = hop(hop('orders(first: 1) { edges { node { id } } }'));
    const { status, body } = await run(`{ ${chain} }`);
    expect(status).toBe(400);
    expect(body.errors).toEqual([{ message: 'Query depth limit of 10 exceeded, found 12.', extensions: { code: 'QUERY_TOO_COMPLEX', measure: 'depth', limit: 10 } }]);
  });

  it('counts depth through fragments', async () => {
    const { body } = await run('{ ...Q } fragment Q on Query { orders(first: 1) { edges { node { ...O } } } } fragment O on Order { customer { orders(first: 1) { edges { node { customer { orders(first: 1) { edges { node { id } } } } } } } } }');
    expect(body.errors[0].extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', measure: 'depth', limit: 10 });
  });

  it('refuses more aliases than maxAliases', async () => {
    const { status, body } = await run(`{ customer(id: "x") { ${repeat(16, (i) => `n${i}: name`)} } }`);
    expect(status).toBe(400);
    expect(body.errors).toEqual([{ message: 'Aliases limit of 15 exceeded, found 16.', extensions: { code: 'QUERY_TOO_COMPLEX', measure: 'aliases', limit: 15 } }]);
  });

  it('refuses more root fields than maxRootFields, counting through fragments', async () => {
    const { body } = await run(`{ ...F } fragment F on Query { ${repeat(11, (i) => `p${i}: product(sku: "S${i}") { sku }`)} }`);
    expect(body.errors).toContainEqual({ message: 'Operation selects 11 root fields; the limit is 10.', extensions: { code: 'QUERY_TOO_COMPLEX', measure: 'rootFields', limit: 10 } });
  });

  it('refuses more directives than maxDirectives', async () => {
    const { body } = await run(`query($t: Boolean = true) { ${repeat(21, (i) => `t${i % 10}: __typename @include(if: $t)`)} }`);
    expect(body.errors).toContainEqual({ message: 'Directives limit of 20 exceeded, found 21.', extensions: { code: 'QUERY_TOO_COMPLEX', measure: 'directives', limit: 20 } });
  });

  it('refuses an operation whose estimated cost is over maxCost, before anything is fetched', async () => {
    const page = 'customers(first: 100) { edges { node { name account { number } orders(first: 20) { edges { node { number fulfillment { status } } } } } } }';
    const { status, body } = await run(`{ ${repeat(3, (i) => `c${i}: ${page}`)} }`);
    expect(status).toBe(400);
    expect(body.errors).toEqual([{
      message: expect.stringMatching(/^The operation's estimated cost \d+ is over the limit of 10000; ask for fewer items or fields\.$/),
      extensions: { code: 'QUERY_TOO_COMPLEX', measure: 'cost', limit: 10_000, cost: expect.any(Number) },
    }]);
    expect(body.errors[0].extensions.cost).toBeGreaterThan(10_000);
  });

  it('reports at most maxValidationErrors errors', async () => {
    const { status, body } = await run(`{ ${repeat(50, (i) => `f${i}`)} }`);
    expect(status).toBe(400);
    expect(body.errors.length).toBeLessThanOrEqual(11);
    expect(body.errors.at(-1).message).toBe('Too many validation errors, error limit reached. Validation aborted.');
  });

  describe('page sizes', () => {
    it.each([
      ['customers(first:)', '{ customers(first: 1000000) { edges { cursor } } }', 'Argument "first" of Query.customers must be from 1 to 100: 1000000.', 'Query.customers'],
      ['orders(first:) through a variable', 'query($n: Int) { orders(first: $n) { edges { cursor } } }', 'Argument "first" of Query.orders must be from 1 to 100: 101.', 'Query.orders'],
      ['recentFailures(first: -1)', '{ syncStatus { systems { recentFailures(first: -1) { message } } } }', 'Argument "first" of SystemSyncStatus.recentFailures must be from 1 to 100: -1.', 'SystemSyncStatus.recentFailures'],
      ['invoices(first: 0) in a fragment', '{ customer(id: "x") { ...A } } fragment A on Customer { account { invoices(first: 0) { number } } }', 'Argument "first" of CustomerAccount.invoices must be from 1 to 100: 0.', 'CustomerAccount.invoices'],
      ['recentPosts(first: 101)', '{ customer(id: "x") { socialProfiles { recentPosts(first: 101) { text } } } }', 'Argument "first" of SocialProfile.recentPosts must be from 1 to 100: 101.', 'SocialProfile.recentPosts'],
    ])('refuses %s outside 1..100, naming the argument', async (_name, query, message, field) => {
      const { status, body } = await run(query, { n: 101 });
      expect(status).toBe(400);
      expect(body.errors).toEqual([{ message, extensions: { code: 'BAD_USER_INPUT', argument: 'first', field } }]);
    });
  });
});

describe('operation limits from the environment', () => {
  const gateway = useLoneGateway({ MAX_QUERY_DEPTH: '3', MAX_PAGE_SIZE: '25', MAX_QUERY_ALIASES: '0' });

  it('uses the configured limits', async () => {
    const post = async (query: string) => (await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', ...(await devAuthHeader()) }, body: JSON.stringify({ query }) })).json();
    const deep = await post('{ customer(id: "x") { account { balance { amount } } } }');
    expect(deep.errors[0].extensions, JSON.stringify(deep)).toEqual({ code: 'QUERY_TOO_COMPLEX', measure: 'depth', limit: 3 });
    expect((await post('{ customers(first: 26) { edges { cursor } } }')).errors[0].message).toBe('Argument "first" of Query.customers must be from 1 to 25: 26.');
    expect((await post('{ a: __typename }')).errors[0].extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', measure: 'aliases', limit: 0 });
  });
});

describe('a page-size limit below the schema\'s defaults', () => {
  it('refuses to start, since operations that never set first would be refused', async () => {
    const config = readGatewayConfig({ PORT: '0', MAX_PAGE_SIZE: '10', AUDIT_DB_PATH: ':memory:' }, { supergraphPath: fileURLToPath(new URL('../../schema/supergraph.graphql', import.meta.url)) });
    await expect(startGateway(config, createLogger('silent'))).rejects.toThrow("MAX_PAGE_SIZE must be at least the schema's largest default page size (20): 10");
  });
});

describe('the request log line of a refusal', () => {
  const logFile = join(mkdtempSync(join(tmpdir(), 'refusal-log-')), 'gateway.log');
  const gateway = useLoneGateway({}, logFile);

  it('says which code and which limit refused it', async () => {
    const requestId = 'refusal-log-1';
    await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': requestId, ...(await devAuthHeader()) }, body: JSON.stringify({ query: `{ customer(id: "x") { ${repeat(16, (i) => `n${i}: name`)} } }` }) });
    const line = readFileSync(logFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((l) => l.requestId === requestId);
    expect(line).toMatchObject({ msg: 'request', status: 200, refused: 'QUERY_TOO_COMPLEX', measure: 'aliases' });
  });
});
