import { describe, expect, it } from 'vitest';
import { useLoneGateway } from '../support/lone-gateway.ts';
import { devAuthHeader } from '../support/dev-token.ts';

const QUERY = '{ customer(id: "x") { name orders(first: 5) { edges { node { number } } } } }';

describe('per-caller cost budget', () => {
  const gateway = useLoneGateway({ MAX_QUERY_COST: '100', COST_BUDGET_PER_MINUTE: '100', COST_BUDGETS: 'client:partner=100000,scope:sync:read=1000' });
  const post = async (subject: string, query = QUERY, options: { clientId?: string; scopes?: string[] } = {}) => {
    const auth = await devAuthHeader(options.scopes ?? ['customers:read'], { subject, clientId: options.clientId ?? 'app' });
    return fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify({ query }) });
  };

  it('spends each operation\'s cost and answers 429 RATE_LIMITED with Retry-After once the minute\'s budget is spent', async () => {
    const first = await post('alice');
    const cost = Number(first.headers.get('x-query-cost'));
    expect(cost).toBeGreaterThan(0);
    expect(first.headers.get('ratelimit-limit')).toBe('100');
    expect(Number(first.headers.get('ratelimit-remaining'))).toBe(100 - cost);
    let refused: Response | undefined;
    for (let sent = 1; sent <= 100 && !refused; sent += 1) {
      const res = await post('alice');
      if (res.status === 429) refused = res;
      else expect(res.status).toBe(200);
    }
    expect(refused).toBeDefined();
    const retryAfter = Number(refused!.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const body = await refused!.json();
    expect(body).toEqual({ errors: [{ message: expect.stringMatching(/^This operation costs \d+ points and \d+ of this caller's 100 per minute are left; retry in \d+ s\.$/), extensions: { code: 'RATE_LIMITED', cost, retryAfter } }] });
    expect(body).not.toHaveProperty('data');
  });

  it('spends nothing on a refusal, so the remaining points stay put', async () => {
    let remaining = Infinity;
    let res: Response;
    do {
      res = await post('bob');
      remaining = Number(res.headers.get('ratelimit-remaining'));
    } while (res.status === 200);
    const again = await post('bob');
    expect(again.status).toBe(429);
    expect(Number(again.headers.get('ratelimit-remaining'))).toBe(remaining);
  });

  it('keeps each caller\'s budget apart', async () => {
    while ((await post('carol')).status === 200);
    expect((await post('dave')).status).toBe(200);
  });

  it('gives a configured client or scope its own budget', async () => {
    const partner = await post('erin', QUERY, { clientId: 'partner' });
    expect(partner.headers.get('ratelimit-limit')).toBe('100000');
    const syncReader = await post('frank', QUERY, { scopes: ['customers:read', 'sync:read'] });
    expect(syncReader.headers.get('ratelimit-limit')).toBe('1000');
  });

  it('charges nothing for an operation refused by a limit', async () => {
    const before = await post('grace');
    const remaining = Number(before.headers.get('ratelimit-remaining'));
    const refused = await post('grace', '{ customers(first: 1000) { edges { cursor } } }');
    expect((await refused.json()).errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const after = await post('grace');
    expect(Number(after.headers.get('ratelimit-remaining'))).toBe(remaining - Number(after.headers.get('x-query-cost')));
  });
});

describe('a caller whose tokens carry different budgets', () => {
  const gateway = useLoneGateway({ MAX_QUERY_COST: '100', COST_BUDGET_PER_MINUTE: '100', COST_BUDGETS: 'scope:sync:read=300' });

  it('spends from one window, so the larger budget bounds all it spent in the minute', async () => {
    const post = async (scopes: string[]) => fetch(gateway.url, {
      method: 'POST', headers: { 'content-type': 'application/json', ...(await devAuthHeader(scopes, { subject: 'henry', clientId: 'app' })) }, body: JSON.stringify({ query: QUERY }),
    });
    let spent = 0;
    for (let res = await post(['customers:read']); res.status === 200; res = await post(['customers:read'])) spent += Number(res.headers.get('x-query-cost'));
    for (let res = await post(['customers:read', 'sync:read']); res.status === 200; res = await post(['customers:read', 'sync:read'])) spent += Number(res.headers.get('x-query-cost'));
    expect(spent).toBeGreaterThan(100);
    expect(spent).toBeLessThanOrEqual(300);
  });
});
