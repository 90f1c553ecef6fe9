import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOdooClient, type OdooClient } from '../../subgraphs/erp/client.ts';
import { generateDataset } from '../../upstreams/dataset/generate.ts';
import { compileDomain, type OdooRow } from '../../upstreams/odoo/domain.ts';
import { startOdooStandIn } from '../../upstreams/odoo/server.ts';
import type { StandIn } from '../../upstreams/shared/standin.ts';
import { compileOrder } from '../../upstreams/odoo/ordering.ts';
import { MODELS } from '../../upstreams/odoo/models.ts';

const spec = MODELS['res.partner'];
const rows: OdooRow[] = [
  { id: 1, name: 'Ada', email: 'ada_l@example.com', credit_limit: 0, country_id: [233, 'United States'], active: true, write_date: '2026-01-02 10:00:00' },
  { id: 2, name: 'Bob', email: 'ADAXL@EXAMPLE.COM', credit_limit: 500, country_id: false, active: true, write_date: false },
  { id: 3, name: 'Cy', email: false, credit_limit: 1000, country_id: [57, 'Germany'], active: false, write_date: '2025-05-05 05:05:05' },
];
const ids = (domain: unknown) => rows.filter(compileDomain(domain, 'res.partner', spec)).map((r) => r.id);

describe('Odoo domains in the stand-in', () => {
  it('ANDs top-level terms and reads | and ! as prefix operators', () => {
    expect(ids([['credit_limit', '>', 0], ['credit_limit', '<', 1000]])).toEqual([2]);
    expect(ids(['|', ['id', '=', 1], ['id', '=', 3]])).toEqual([1, 3]);
    expect(ids(['|', '|', ['id', '=', 1], ['id', '=', 2], ['id', '=', 3]])).toEqual([1, 2, 3]);
    expect(ids(['!', ['id', 'in', [1, 2]]])).toEqual([3]);
    expect(ids([])).toEqual([1, 2, 3]);
  });

  it('compares a many2one by id, or by display name given a string', () => {
    expect(ids([['country_id', '=', 233]])).toEqual([1]);
    expect(ids([['country_id', 'in', [57, 233]]])).toEqual([1, 3]);
    expect(ids([['country_id', 'ilike', 'germ']])).toEqual([3]);
    expect(ids([['country_id', '=', false]])).toEqual([2]);
  });

  it('treats false as NULL: only = false matches it, and negative operators include it', () => {
    expect(ids([['email', '=', false]])).toEqual([3]);
    expect(ids([['email', '!=', 'ada_l@example.com']])).toEqual([2, 3]);
    expect(ids([['email', 'not ilike', 'example']])).toEqual([3]);
    expect(ids([['write_date', '>=', '2025-01-01']])).toEqual([1, 3]);
  });

  it('matches =ilike as SQL ILIKE, with wildcards unless escaped', () => {
    expect(ids([['email', '=ilike', 'ADA_L@example.com']])).toEqual([1, 2]);
    expect(ids([['email', '=ilike', 'ADA\\_L@example.com']])).toEqual([1]);
    expect(ids([['email', '=like', 'ada%']])).toEqual([1]);
    expect(ids([['email', 'ilike', 'AXL@']])).toEqual([2]);
  });

  it('follows a many2one to a field of its record (partner_id.email), and refuses a path through another field', () => {
    const moves: OdooRow[] = [{ id: 10, partner_id: [1, 'Ada'] }, { id: 11, partner_id: [2, 'Bob'] }, { id: 12, partner_id: false }];
    const related = (model: string, id: number) => (model === 'res.partner' ? rows.find((r) => r.id === id) : undefined);
    const moveIds = (domain: unknown) => moves.filter(compileDomain(domain, 'account.move', MODELS['account.move'], related)).map((r) => r.id);
    expect(moveIds([['partner_id.email', '=ilike', 'adaxl@example.com']])).toEqual([11]);
    expect(moveIds(['|', ['partner_id', 'in', [1]], ['partner_id.email', '=ilike', 'adaxl@example.com']])).toEqual([10, 11]);
    expect(moveIds([['partner_id.country_id', '=', 233]])).toEqual([10]);
    expect(() => moveIds([['name.email', '=', 'x']])).toThrow('Invalid field account.move.name.email');
  });

  it('refuses malformed domains and unknown fields as Odoo does, with a ValueError', () => {
    for (const bad of [['|', ['id', '=', 1]], [['nope', '=', 1]], [['id', 'between', 1]], 'id = 1']) {
      expect(() => ids(bad)).toThrow(expect.objectContaining({ status: 500, pythonName: 'builtins.ValueError' }));
    }
  });
});

describe('Odoo order in the stand-in', () => {
  const sorted = (order: string) => [...rows].sort(compileOrder(order, spec)).map((r) => r.id);

  it('sorts by several keys, empty values last ascending and first descending', () => {
    expect(sorted('write_date asc, id asc')).toEqual([3, 1, 2]);
    expect(sorted('write_date desc')).toEqual([2, 1, 3]);
    expect(sorted('write_date desc nulls last')).toEqual([1, 3, 2]);
    expect(sorted('country_id asc, id desc')).toEqual([3, 1, 2]);
  });

  it('refuses an order on an unknown field', () => {
    expect(() => sorted('nope desc')).toThrow(expect.objectContaining({ pythonName: 'builtins.ValueError' }));
  });
});

describe("the Odoo client's email lookups", () => {
  const dataset = generateDataset({ customers: 20, orders: 0, products: 1 });
  const partner = dataset.odoo['res.partner'].find((p) => typeof p.email === 'string' && /[._]/.test(p.email.split('@')[0]))!;
  const email = partner.email as string;
  let odoo: StandIn;
  let client: OdooClient;

  beforeAll(async () => {
    odoo = await startOdooStandIn({ dataset, credential: 'odoo-test-key' });
    client = createOdooClient({ baseUrl: odoo.url, credential: 'odoo-test-key', database: 'standin', timeoutMs: 5000 });
  });
  afterAll(() => odoo.close());

  it('finds a partner by its email in any letter case', async () => {
    expect(await client.countPartnersByEmail(email.toUpperCase())).toBe(1);
    expect((await client.findPartners([], [email.toUpperCase()])).map((p) => p.id)).toEqual([partner.id]);
  });

  it('matches % and _ in an email only literally, never as ILIKE wildcards', async () => {
    const [local, domain] = email.split('@');
    for (const hostile of ['%', `%@${domain}`, `${local.replace(/[._]/g, '_')}@${domain}`, `${local.slice(0, 3)}%`, '_%']) {
      expect(await client.countPartnersByEmail(hostile)).toBe(0);
      expect(await client.findPartners([], [hostile])).toEqual([]);
    }
  });

  it('matches a backslash literally too', async () => {
    expect(await client.countPartnersByEmail(`${email}\\`)).toBe(0);
    expect(await client.countPartnersByEmail(email.replace('@', '\\@'))).toBe(0);
  });
});
