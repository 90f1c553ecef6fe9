import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../../upstreams/dataset/generate.ts';
import type { Dataset, DatasetOptions, DeliberateDisagreement, HubSpotContact, OdooRecord, ShopifyCustomer } from '../../upstreams/dataset/types.ts';
import { startOdooStandIn } from '../../upstreams/odoo/server.ts';
import { GRAPHQL_PATH, startShopifyStandIn, type ShopifyStandIn } from '../../upstreams/shopify/server.ts';
import type { StandIn } from '../../upstreams/shared/standin.ts';
import { toDecimal } from '../../subgraphs/shared/money.ts';

/** The default dataset, and the smaller ones tests start their stand-ins with. */
const SIZES: Partial<DatasetOptions>[] = [
  {}, { seed: 7 }, { customers: 40, orders: 300, products: 8 }, { customers: 20, orders: 80, products: 5 },
  { customers: 60, orders: 20, products: 5 }, { customers: 3, orders: 5, products: 1 }, { customers: 0, orders: 0, products: 1 },
];

type Kind = DeliberateDisagreement['kind'];
const listed = <K extends Kind>(d: Dataset, kind: K) => d.disagreements.filter((x): x is Extract<DeliberateDisagreement, { kind: K }> => x.kind === kind);
const lower = (email: unknown) => (typeof email === 'string' ? email.toLowerCase() : null);
const contactOf = (d: Dataset, id: string): HubSpotContact => d.hubspot.contacts.find((c) => c.id === id)!;
const shopIdOf = (gid: string) => Number(gid.split('/').pop());
const partnersWithEmail = (d: Dataset, email: unknown) => d.odoo['res.partner'].filter((r) => lower(r.email) === lower(email));
const shopCustomersWithEmail = (d: Dataset, email: unknown) => d.shopify.customers.filter((c) => lower(c.email) === lower(email));

/** The partner a contact links to: by its stored id, else the lowest id with its email, as the read path does. */
function partnerOf(d: Dataset, contact: HubSpotContact): OdooRecord | undefined {
  const stored = contact.properties.erp_partner_id;
  return stored ? d.odoo['res.partner'].find((r) => String(r.id) === stored) : partnersWithEmail(d, contact.properties.email)[0];
}

/** The shop order's presentment total and its ERP sales order's total, both exact. */
function totals(d: Dataset, orderNumber: string) {
  const order = d.shopify.orders.find((o) => o.name === orderNumber)!;
  const sale = d.odoo['sale.order'].find((s) => s.client_order_ref === orderNumber)!;
  return { order, sale, shop: toDecimal(order.totalPriceSet.presentmentMoney.amount), erp: toDecimal(sale.amount_total as number) };
}

describe.each(SIZES)('the manifest of deliberate disagreements, dataset %j', (options) => {
  const d = generateDataset(options);

  it('lists a phone or address mismatch exactly where an ERP partner differs from its contact', () => {
    const expected = d.hubspot.contacts.flatMap((c) => {
      const partner = partnerOf(d, c);
      if (!partner) return [];
      if (partner.phone !== c.properties.phone) return [{ contactId: c.id, field: 'phone' }];
      return partner.street !== c.properties.address ? [{ contactId: c.id, field: 'address' }] : [];
    });
    expect(listed(d, 'FIELD_MISMATCH').map(({ contactId, field }) => ({ contactId, field }))).toEqual(expected);
    expect(listed(d, 'FIELD_MISMATCH').every((x) => x.system === 'ERP')).toBe(true);
  });

  it('lists ambiguous emails only for contacts linked by email whose system holds two records with it', () => {
    for (const { contactId, system } of listed(d, 'AMBIGUOUS_EMAIL')) {
      const { properties } = contactOf(d, contactId);
      const records: (OdooRecord | ShopifyCustomer)[] = system === 'ERP' ? partnersWithEmail(d, properties.email) : shopCustomersWithEmail(d, properties.email);
      expect(system === 'ERP' ? properties.erp_partner_id : properties.shop_customer_id).toBeNull();
      expect(records.length).toBeGreaterThanOrEqual(2);
      expect(new Set(records.map((r) => r.email)).size).toBe(records.length); // each in its own letter case
    }
  });

  it('lists broken links whose stored id names no record, and no record holds the contact email', () => {
    for (const { contactId, system } of listed(d, 'BROKEN_LINK')) {
      const { properties } = contactOf(d, contactId);
      if (system === 'ERP') {
        expect(d.odoo['res.partner'].some((r) => String(r.id) === properties.erp_partner_id)).toBe(false);
        expect(partnersWithEmail(d, properties.email)).toEqual([]);
        expect(properties.shop_customer_id).toBeNull(); // never among the fully linked contacts tests pick
      } else {
        expect(d.shopify.customers.some((c) => c.id === shopIdOf(properties.shop_customer_id!))).toBe(false);
        expect(shopCustomersWithEmail(d, properties.email)).toEqual([]);
        expect(properties.erp_partner_id).toBeNull();
      }
    }
  });

  it('lists every shop order without an ERP sales order, with the time it was placed', () => {
    const refs = new Set(d.odoo['sale.order'].map((s) => s.client_order_ref));
    const expected = d.shopify.orders.filter((o) => !refs.has(o.name))
      .map((o) => ({ kind: 'MISSING_ERP_ORDER', shopOrderId: o.id, orderNumber: o.name, placedAt: o.createdAt }));
    expect(listed(d, 'MISSING_ERP_ORDER')).toEqual(expected);
  });

  it('lists exactly the sales orders whose total differs from the shop total in the same currency', () => {
    const differing = d.odoo['sale.order'].filter((s) => {
      const t = totals(d, String(s.client_order_ref));
      expect((s.currency_id as [number, string])[1]).toBe(t.order.presentmentCurrencyCode);
      return !t.erp.equals(t.shop);
    }).map((s) => s.client_order_ref);
    expect(listed(d, 'ORDER_TOTAL_MISMATCH').map((x) => x.orderNumber).sort()).toEqual(differing.sort());
    for (const { orderNumber, shopOrderId } of listed(d, 'ORDER_TOTAL_MISMATCH')) {
      const t = totals(d, orderNumber);
      expect(t.order.id).toBe(shopOrderId);
      expect(t.erp.minus(t.shop).toString()).toBe('1');
      expect(toDecimal(t.sale.amount_untaxed as number).plus(toDecimal(t.sale.amount_tax as number)).equals(t.erp)).toBe(true);
    }
  });

  it('is the same, byte for byte, for the same options', () => {
    expect(JSON.stringify(generateDataset(options))).toBe(JSON.stringify(d));
  });
});

describe('the manifest for the default dataset (seed 42)', () => {
  const d = generateDataset();
  const count = (kind: Kind, system?: string) => d.disagreements.filter((x) => x.kind === kind && (!system || ('system' in x && x.system === system))).length;

  it('holds every kind the reconciliation pass detects', () => {
    expect({
      ambiguousErp: count('AMBIGUOUS_EMAIL', 'ERP'), ambiguousShop: count('AMBIGUOUS_EMAIL', 'COMMERCE'),
      brokenErp: count('BROKEN_LINK', 'ERP'), brokenShop: count('BROKEN_LINK', 'COMMERCE'), totals: count('ORDER_TOTAL_MISMATCH'),
    }).toEqual({ ambiguousErp: 1, ambiguousShop: 1, brokenErp: 1, brokenShop: 1, totals: 2 });
    expect(count('FIELD_MISMATCH')).toBe(17);
    expect(count('MISSING_ERP_ORDER')).toBe(113);
  });

  it('leaves recent and older shop orders without a sales order, so a grace period matters', () => {
    const placed = listed(d, 'MISSING_ERP_ORDER').map((x) => Date.parse(x.placedAt));
    const tenDaysBefore = Date.UTC(2026, 10, 10, 12);
    expect(placed.some((t) => t > tenDaysBefore)).toBe(true);
    expect(placed.some((t) => t < tenDaysBefore)).toBe(true);
  });

  it('keeps Dennis Hopper, the README example, out of it', () => {
    const dennis = d.hubspot.contacts.find((c) => c.properties.email === 'dennis.hopper0@example.com')!;
    expect(d.disagreements.some((x) => 'contactId' in x && x.contactId === dennis.id)).toBe(false);
  });
});

describe('the stand-ins serve the planted disagreements', () => {
  const d = generateDataset();
  let odoo: StandIn;
  let shopify: ShopifyStandIn;
  beforeAll(async () => {
    odoo = await startOdooStandIn({ dataset: d, credential: 'odoo-key' });
    shopify = await startShopifyStandIn({ dataset: d, credential: 'shop-token' });
  });
  afterAll(async () => {
    await odoo.close();
    await shopify.close();
  });
  const erp = async (model: string, method: string, body: unknown) => {
    const res = await fetch(`${odoo.url}/json/2/${model}/${method}`, {
      method: 'POST', headers: { authorization: 'bearer odoo-key', 'x-odoo-database': 'standin', 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };
  const shop = async (query: string, variables: Record<string, unknown>) => {
    const res = await fetch(`${shopify.url}${GRAPHQL_PATH}`, {
      method: 'POST', headers: { 'x-shopify-access-token': 'shop-token', 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }),
    });
    return (await res.json()).data;
  };

  it('finds two records for each ambiguous email, in both systems', async () => {
    for (const { contactId, system } of listed(d, 'AMBIGUOUS_EMAIL')) {
      const email = contactOf(d, contactId).properties.email;
      const found = system === 'ERP'
        ? (await erp('res.partner', 'search_read', { domain: [['email', '=ilike', email]], fields: ['email'], order: 'id' })).body
        : (await shop('query($q: String!) { customers(first: 10, query: $q) { nodes { id } } }', { q: `email:${email}` })).customers.nodes;
      expect(found).toHaveLength(2);
    }
  });

  it('finds no record behind a broken link', async () => {
    for (const { contactId, system } of listed(d, 'BROKEN_LINK')) {
      const { properties } = contactOf(d, contactId);
      if (system === 'ERP') {
        const res = await erp('res.partner', 'read', { ids: [Number(properties.erp_partner_id)], fields: ['name'] });
        expect(res).toMatchObject({ status: 404, body: { name: 'odoo.exceptions.MissingError' } });
      } else {
        expect(await shop('query($id: ID!) { customer(id: $id) { id } }', { id: properties.shop_customer_id })).toEqual({ customer: null });
      }
    }
  });

  it('serves a sales order total one unit above the shop order total', async () => {
    for (const { orderNumber, shopOrderId } of listed(d, 'ORDER_TOTAL_MISMATCH')) {
      const [sale] = (await erp('sale.order', 'search_read', { domain: [['client_order_ref', '=', orderNumber]], fields: ['amount_total'] })).body;
      const { order } = await shop('query($id: ID!) { order(id: $id) { totalPriceSet { presentmentMoney { amount } } } }', { id: `gid://shopify/Order/${shopOrderId}` });
      expect(toDecimal(sale.amount_total).minus(toDecimal(order.totalPriceSet.presentmentMoney.amount)).toString()).toBe('1');
    }
  });
});
