import { describe, expect, it } from 'vitest';
import { useStack } from './harness.ts';
import type { Dataset, HubSpotContact } from '../../upstreams/dataset/types.ts';

const t = useStack();
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const CUSTOMER_FIELDS = `
  id version name firstName lastName company email phone birthDate lifecycleStage createdAt updatedAt
  address { line1 line2 city region postalCode country }
  sources { system externalId version updatedAt linkedBy }
  account { number currency creditLimit { amount currency } balance { amount currency } paymentTerms
            invoices(first: 50) { number status issuedAt dueAt total { amount currency } amountDue { amount currency } orderNumber } }
  orders(first: 100) { edges { cursor node { id number placedAt status total { amount currency } } } pageInfo { hasNextPage endCursor } }
  lifetimeValue { amount currency }
  socialProfiles { network handle url displayName bio followers following posts lastActiveAt
                   recentPosts(first: 3) { id url text postedAt likes shares replies } }`;

/** The first contact matching a predicate over its stored links. */
function contactWhere(dataset: Dataset, test: (p: HubSpotContact['properties']) => boolean): HubSpotContact {
  const found = dataset.hubspot.contacts.find((c) => test(c.properties));
  if (!found) throw new Error('The dataset has no such contact.');
  return found;
}

async function customerByEmail(email: string) {
  const { body } = await t.gql(`query($email: String!) { customers(first: 1, filter: { email: $email }) { edges { node { ${CUSTOMER_FIELDS} } } } }`, { email });
  expect(body.errors).toBeUndefined();
  expect(body.data.customers.edges).toHaveLength(1);
  return body.data.customers.edges[0].node;
}

describe('Customer through the gateway', () => {
  it('joins CRM, ERP, commerce and social data of a fully linked customer in one response', async () => {
    const { dataset } = t.stack;
    const contact = contactWhere(dataset, (p) => !!(p.erp_partner_id && p.shop_customer_id && p.mastodon_acct && p.firstname && p.phone?.startsWith('(')));
    const p = contact.properties;
    const partner = dataset.odoo['res.partner'].find((r) => String(r.id) === p.erp_partner_id)!;
    const shopId = Number(p.shop_customer_id!.split('/').pop());
    const shopCustomer = dataset.shopify.customers.find((c) => c.id === shopId)!;
    const account = dataset.mastodon.accounts.find((a) => `${a.acct}@${dataset.mastodon.domain}` === p.mastodon_acct)!;

    const c = await customerByEmail(p.email!);
    expect(c.name).toBe(`${p.firstname} ${p.lastname}`);
    expect(c.email).toBe(p.email);
    expect(c.phone).toBe(shopCustomer.phone); // the shop keeps the same number in E.164
    expect(c.address.country).toBe(shopCustomer.address!.countryCodeV2);
    expect(c.createdAt).toBe(contact.createdAt);
    expect(c.updatedAt).toMatch(DATETIME);
    expect(c.sources).toEqual([
      { system: 'CRM', externalId: contact.id, version: contact.updatedAt, updatedAt: contact.updatedAt, linkedBy: 'STORED_ID' },
      expect.objectContaining({ system: 'ERP', externalId: String(partner.id), linkedBy: 'STORED_ID' }),
      expect.objectContaining({ system: 'COMMERCE', externalId: p.shop_customer_id, linkedBy: 'STORED_ID' }),
      expect.objectContaining({ system: 'SOCIAL', externalId: account.id, linkedBy: 'STORED_ID' }),
    ]);

    expect(c.account.number).toBe(partner.ref);
    expect(c.account.currency).toBe('USD');
    const invoices = dataset.odoo['account.move'].filter((m) => (m.partner_id as [number, string])[0] === partner.id);
    expect(c.account.invoices).toHaveLength(invoices.length);
    for (const invoice of c.account.invoices) expect(invoice.issuedAt).toMatch(DATETIME);

    const shopOrders = dataset.shopify.orders.filter((o) => o.customerId === shopId);
    expect(c.orders.edges.map((e: any) => e.node.number)).toEqual(
      [...shopOrders].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id - a.id).map((o) => o.name));

    expect(c.socialProfiles).toHaveLength(1);
    expect(c.socialProfiles[0]).toMatchObject({ network: 'mastodon', handle: `@${p.mastodon_acct}`, followers: account.followers_count, posts: account.statuses_count });
    expect(c.socialProfiles[0].bio).not.toMatch(/[<>]|&amp;/);
  });

  it('gives the same version for unchanged records, and a well-formed DateTime everywhere', async () => {
    const { dataset } = t.stack;
    const contact = contactWhere(dataset, (p) => !!(p.erp_partner_id && p.shop_customer_id));
    const first = await customerByEmail(contact.properties.email!);
    const second = await customerByEmail(contact.properties.email!);
    expect(second.version).toBe(first.version);
    expect(typeof first.version).toBe('string');
  });

  it('links ERP and shop records by email, whatever their letter case, when no id is stored', async () => {
    const { dataset } = t.stack;
    const contact = contactWhere(dataset, (p) => !p.erp_partner_id && dataset.odoo['res.partner'].some((r) => String(r.email).toLowerCase() === p.email));
    const c = await customerByEmail(contact.properties.email!);
    expect(c.sources.find((s: any) => s.system === 'ERP')).toMatchObject({ linkedBy: 'EMAIL_MATCH' });
    expect(c.account).not.toBeNull();

    const shopContact = contactWhere(dataset, (p) => !p.shop_customer_id && dataset.shopify.customers.some((s) => s.email?.toLowerCase() === p.email));
    const s = await customerByEmail(shopContact.properties.email!);
    expect(s.sources.find((x: any) => x.system === 'COMMERCE')).toMatchObject({ linkedBy: 'EMAIL_MATCH' });
  });

  it('serves a customer with no ERP or shop record with a null account and no orders', async () => {
    const { dataset } = t.stack;
    const contact = contactWhere(dataset, (p) => !p.erp_partner_id && !p.shop_customer_id
      && !dataset.odoo['res.partner'].some((r) => String(r.email).toLowerCase() === p.email)
      && !dataset.shopify.customers.some((s) => s.email?.toLowerCase() === p.email));
    const c = await customerByEmail(contact.properties.email!);
    expect(c.account).toBeNull();
    expect(c.orders).toEqual({ edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
    expect(c.sources.map((s: any) => s.system)).toEqual(expect.arrayContaining(['CRM']));
    expect(c.sources.map((s: any) => s.system)).not.toContain('ERP');
  });

  it('reads a customer by its id, and null for an unknown or malformed id', async () => {
    const { dataset } = t.stack;
    const email = dataset.hubspot.contacts[0].properties.email!;
    const { id, name } = await customerByEmail(email);
    const { body } = await t.gql('query($id: ID!) { customer(id: $id) { id name } unknown: customer(id: "Q3VzdG9tZXI6OTk5OTk5") { id } bad: customer(id: "%%%") { id } }', { id });
    expect(body).toEqual({ data: { customer: { id, name }, unknown: null, bad: null } });
  });

  it('computes lifetimeValue in another currency with the ERP rates', async () => {
    const { dataset } = t.stack;
    const contact = contactWhere(dataset, (p) => !!p.shop_customer_id);
    const shopId = Number(contact.properties.shop_customer_id!.split('/').pop());
    const { body } = await t.gql(`query($email: String!) { customers(first: 1, filter: { email: $email }) { edges { node {
      usd: lifetimeValue { amount currency } eur: lifetimeValue(currency: "EUR") { amount currency } jpy: lifetimeValue(currency: "JPY") { amount currency } } } } }`,
    { email: contact.properties.email });
    const node = body.data.customers.edges[0].node;
    const orders = dataset.shopify.orders.filter((o) => o.customerId === shopId && !o.cancelledAt);
    const cents = orders.reduce((sum, o) => sum + BigInt(o.totalPriceSet.shopMoney.amount.replace('.', '')), 0n);
    expect(node.usd).toEqual({ amount: `${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`, currency: 'USD' });
    expect(node.eur.currency).toBe('EUR');
    expect(node.eur.amount).toMatch(/^\d+\.\d{2}$/);
    expect(node.jpy.amount).toMatch(/^\d+$/);
  });
});
