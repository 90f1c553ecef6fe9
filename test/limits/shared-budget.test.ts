/**
 * Two gateways (replicas behind one load balancer) on one PostgreSQL schema spend each caller's cost
 * budget from one window: a caller gets one budget a minute, not one per replica. Without DATABASE_URL
 * each gateway counts in its own memory, which the last test shows for contrast.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useLoneGateway, type LoneGateway } from '../support/lone-gateway.ts';
import { devAuthHeader } from '../support/dev-token.ts';
import { createTestSchema, type TestSchema } from '../support/postgres-schema.ts';
import { TEST_DATABASE_URL } from '../sync/support/store-backends.ts';
import { createPool } from '../../subgraphs/shared/postgres/db.ts';
import { createCostBudget } from '../../gateway/limits/cost-budget.ts';
import { BUDGET_STORE_TIMEOUT_MS, BUDGET_TABLE, postgresBudgetCounter } from '../../gateway/limits/budget-counter.ts';

const QUERY = '{ customer(id: "x") { name orders(first: 5) { edges { node { number } } } } }';
const LIMITS = { MAX_QUERY_COST: '100', COST_BUDGET_PER_MINUTE: '100' };

async function post(gateway: LoneGateway, subject: string): Promise<Response> {
  const auth = await devAuthHeader(['customers:read'], { subject, clientId: 'app' });
  return fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify({ query: QUERY }) });
}

/** Sends `subject`'s operations to the gateways in turn until one is refused; the points spent before it. */
async function spendUntilRefused(gateways: LoneGateway[], subject: string): Promise<{ spent: number; refused: Response }> {
  let spent = 0;
  for (let i = 0; i < 200; i++) {
    const res = await post(gateways[i % gateways.length], subject);
    if (res.status === 429) return { spent, refused: res };
    expect(res.status).toBe(200);
    spent += Number(res.headers.get('x-query-cost'));
  }
  throw new Error('never refused');
}

describe('the cost budget shared by two gateways on one PostgreSQL', () => {
  let schema: TestSchema;
  beforeAll(async () => { schema = await createTestSchema(TEST_DATABASE_URL); });
  afterAll(() => schema?.drop());
  const gateways = [0, 1].map(() => useLoneGateway(() => ({ ...LIMITS, DATABASE_URL: schema.url })));

  it('refuses a caller with 429 RATE_LIMITED once one budget is spent across both, each gateway seeing what the other spent', async () => {
    const first = await post(gateways[0], 'alice');
    const cost = Number(first.headers.get('x-query-cost'));
    expect(cost).toBeGreaterThan(0);
    const second = await post(gateways[1], 'alice');
    expect(Number(second.headers.get('ratelimit-remaining'))).toBe(100 - 2 * cost);

    const { spent, refused } = await spendUntilRefused(gateways, 'alice');
    expect(2 * cost + spent).toBeLessThanOrEqual(100);
    expect(2 * cost + spent).toBeGreaterThan(100 - cost);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await refused.json()).errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED', cost });
    // The other gateway refuses too: the window is the caller's, not the replica's.
    for (const gateway of gateways) expect((await post(gateway, 'alice')).status).toBe(429);
    expect((await post(gateways[0], 'bob')).status).toBe(200);
  });

  it('lets a burst through both at once spend at most the budget', async () => {
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => post(gateways[i % 2], 'carol')));
    const allowed = results.filter((r) => r.status === 200);
    expect(results.filter((r) => r.status !== 200).every((r) => r.status === 429)).toBe(true);
    const spent = allowed.reduce((sum, r) => sum + Number(r.headers.get('x-query-cost')), 0);
    expect(spent).toBeGreaterThan(0);
    expect(spent).toBeLessThanOrEqual(100);
  });
});

describe('two gateways without DATABASE_URL', () => {
  const gateways = [0, 1].map(() => useLoneGateway({ ...LIMITS, DATABASE_URL: '' }));

  it('each give a caller a full budget of its own (what the shared window prevents)', async () => {
    const { spent } = await spendUntilRefused(gateways, 'dave');
    expect(spent).toBeGreaterThan(100);
  });
});

describe('the budget counter on PostgreSQL', () => {
  const budgets = { perMinute: 100, byClient: new Map(), byScope: new Map() };
  const caller = { subject: 'erin', clientId: 'app', scopes: new Set<string>() };

  it('creates its table before it counts, and keeps no token subject in it', async () => {
    const schema = await createTestSchema(TEST_DATABASE_URL);
    const pool = createPool({ connectionString: schema.url });
    try {
      let fallbacks = 0;
      const budget = createCostBudget(budgets, await postgresBudgetCounter(pool, () => fallbacks++));
      expect(await budget.spend(caller, 60)).toMatchObject({ allowed: true, remaining: 40 });
      expect(await budget.spend(caller, 60)).toMatchObject({ allowed: false, remaining: 40 });
      expect(fallbacks).toBe(0);
      const { rows } = await pool.query(`SELECT key, points FROM ${BUDGET_TABLE}`);
      expect(rows).toEqual([{ key: expect.not.stringContaining('erin'), points: 60 }]);
    } finally {
      await pool.end();
      await schema.drop();
    }
  });

  it('counts in memory when the database fails, so callers are still served and still limited', async () => {
    const schema = await createTestSchema(TEST_DATABASE_URL);
    const pool = createPool({ connectionString: schema.url });
    try {
      let fallbacks = 0;
      const budget = createCostBudget(budgets, await postgresBudgetCounter(pool, () => fallbacks++));
      await pool.query(`DROP TABLE ${BUDGET_TABLE}`);
      expect(await budget.spend(caller, 60)).toMatchObject({ allowed: true, remaining: 40 });
      expect(await budget.spend(caller, 60)).toMatchObject({ allowed: false, remaining: 40 });
      expect(fallbacks).toBeGreaterThan(0);
    } finally {
      await pool.end();
      await schema.drop();
    }
  });

  it('counts in memory when the database does not answer within BUDGET_STORE_TIMEOUT_MS, rather than holding the request', async () => {
    const schema = await createTestSchema(TEST_DATABASE_URL);
    const pool = createPool({ connectionString: schema.url });
    const locker = new pg.Client({ connectionString: schema.url });
    await locker.connect();
    try {
      let fallbacks = 0;
      const budget = createCostBudget(budgets, await postgresBudgetCounter(pool, () => fallbacks++));
      await locker.query('BEGIN');
      await locker.query(`LOCK TABLE ${BUDGET_TABLE} IN ACCESS EXCLUSIVE MODE`);
      const started = performance.now();
      expect(await budget.spend(caller, 60)).toMatchObject({ allowed: true, remaining: 40 });
      expect(await budget.spend(caller, 60)).toMatchObject({ allowed: false, remaining: 40 });
      const tookMs = performance.now() - started;
      expect(tookMs).toBeGreaterThanOrEqual(2 * BUDGET_STORE_TIMEOUT_MS - 10);
      expect(tookMs).toBeLessThan(6 * BUDGET_STORE_TIMEOUT_MS);
      expect(fallbacks).toBeGreaterThan(0);
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
      await pool.end();
      await schema.drop();
    }
  });

  it('refuses to start when its table cannot be created', async () => {
    const url = new URL(TEST_DATABASE_URL);
    url.searchParams.set('options', '-c search_path=no_such_schema');
    const pool = new pg.Pool({ connectionString: url.toString() });
    try {
      await expect(postgresBudgetCounter(pool, () => {})).rejects.toThrow(/no schema has been selected/);
    } finally {
      await pool.end();
    }
  });
});
