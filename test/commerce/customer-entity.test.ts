import { describe, expect, it } from 'vitest';
import { encodeId } from '../../subgraphs/shared/ids.ts';
import { decodeCursor } from '../../subgraphs/shared/pagination.ts';
import type { HubSpotContact } from '../../upstreams/dataset/types.ts';
import { GRAPHQL_PATH } from '../../upstreams/shopify/server.ts';
import { useCommerce } from './harness.ts';

const t = useCommerce({ dataset: { customers: 80, orders: 400, products: 10 } });

const ENTITIES = `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Customer {
  commerceSource { system externalId version updatedAt linkedBy }
  orders(first: 3) { edges { cursor node { number placedAt } } pageInfo { hasNextPage endCursor } }
} } }`;

/** The representation the gateway sends: the key and the @required links. */
const rep = (contact: HubSpotContact, links: Partial<{ email: string | null; shopCustomerId: string | null }> = {}) => ({
  __typename: 'Customer',
  id: encodeId('Customer', contact.id),
  links: { email: contact.properties.email, shopCustomerId: contact.properties.shop_customer_id, ...links },
});

const contacts = () => t.dataset.hubspot.contacts;
const shopByEmail = (email: string | null) => t.dataset.shopify.customers.find((c) => c.email?.toLowerCase() === email?.toLowerCase());
const storedContact = () => contacts().find((c) => c.properties.shop_customer_id)!;
const emailOnlyContact = () => contacts().find((c) => !c.properties.shop_customer_id && shopByEmail(c.properties.email))!;
const noShopContact = () => contacts().find((c) => !c.properties.shop_customer_id && !shopByEmail(c.properties.email))!;
const newestOrders = (shopId: number) => t.dataset.shopify.orders.filter((o) => o.customerId === shopId)
  .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id - a.id);

async function entity(representation: object, query = ENTITIES) {
  const { body } = await t.gql(query, { representations: [representation] });
  expect(body.errors).toBeUndefined();
  return body.data._entities[0];
}

describe('Customer entity: finding the shop customer', () => {
  it('links a shop customer by the gid stored on the contact', async () => {
    const contact = storedContact();
    const shop = t.dataset.shopify.customers.find((c) => `gid://shopify/Customer/${c.id}` === contact.properties.shop_customer_id)!;
    expect((await entity(rep(contact))).commerceSource).toEqual({
      system: 'COMMERCE', externalId: `gid://shopify/Customer/${shop.id}`, version: shop.updatedAt,
      updatedAt: new Date(shop.updatedAt).toISOString(), linkedBy: 'STORED_ID',
    });
  });

  it('links a shop customer by email, whatever its letter case, when no id is stored', async () => {
    const contact = emailOnlyContact();
    const shop = shopByEmail(contact.properties.email)!;
    expect(shop.email).not.toBe(contact.properties.email);
    expect((await entity(rep(contact))).commerceSource).toMatchObject({ externalId: `gid://shopify/Customer/${shop.id}`, linkedBy: 'EMAIL_MATCH' });
  });

  it('falls back to the email when the stored gid names no customer or is not a gid', async () => {
    const contact = emailOnlyContact();
    const shopGid = `gid://shopify/Customer/${shopByEmail(contact.properties.email)!.id}`;
    for (const stale of ['gid://shopify/Customer/1', '7391000', 'gid://shopify/Order/450000']) {
      expect((await entity(rep(contact, { shopCustomerId: stale }))).commerceSource, stale).toMatchObject({ externalId: shopGid, linkedBy: 'EMAIL_MATCH' });
    }
  });

  it('has no source, no orders and no totals for a customer without a shop record', async () => {
    const result = await entity(rep(noShopContact()), `query($representations: [_Any!]!) { _entities(representations: $representations) {
      ... on Customer { commerceSource { externalId } orders { edges { cursor } pageInfo { hasNextPage endCursor } } shopOrderTotals { amount } } } }`);
    expect(result).toEqual({ commerceSource: null, orders: { edges: [], pageInfo: { hasNextPage: false, endCursor: null } }, shopOrderTotals: [] });
  });

  it('asks Shopify nothing for a customer without links', async () => {
    t.shopify.resetCounters();
    const result = await entity({ ...rep(noShopContact()), links: { email: null, shopCustomerId: null } });
    expect(result.commerceSource).toBeNull();
    expect(t.shopify.totalRequests()).toBe(0);
  });
});

describe('Customer.orders', () => {
  it("pages the customer's orders newest first, with our own cursors", async () => {
    const contact = storedContact();
    const shopId = Number(contact.properties.shop_customer_id!.split('/').pop());
    const expected = newestOrders(shopId).map((o) => o.name);
    expect(expected.length).toBeGreaterThan(3);
    const first = (await entity(rep(contact))).orders;
    expect(first.edges.map((e: any) => e.node.number)).toEqual(expected.slice(0, 3));
    expect(first.pageInfo.hasNextPage).toBe(true);
    expect(decodeCursor(first.pageInfo.endCursor)).toEqual(expect.any(String));
    const { body } = await t.gql(`query($representations: [_Any!]!, $after: String) { _entities(representations: $representations) {
      ... on Customer { orders(first: 100, after: $after) { edges { node { number } } pageInfo { hasNextPage } } } } }`,
    { representations: [rep(contact)], after: first.pageInfo.endCursor });
    expect(body.data._entities[0].orders).toEqual({ edges: expected.slice(3).map((number) => ({ node: { number } })), pageInfo: { hasNextPage: false } });
  });

  it('refuses a page larger than 100, naming the argument', async () => {
    const { body } = await t.gql(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { orders(first: 500) { edges { cursor } } } } }`,
      { r: [rep(storedContact())] });
    expect(body.errors[0]).toMatchObject({ path: ['_entities', 0, 'orders'], extensions: { code: 'BAD_USER_INPUT', argument: 'first' } });
  });
});

describe('Customer entity batching', () => {
  /** The dataset's deliberately broken links each cost a fallback request by email (see the loaders): left out here. */
  const sound = () => contacts().filter((c) => !t.dataset.disagreements.some((x) => x.kind === 'BROKEN_LINK' && x.contactId === c.id));

  /** Upstream requests and root fields for one _entities call over the first n contacts with sound links. */
  async function costOf(n: number) {
    t.shopify.resetCounters();
    const { body } = await t.gql(ENTITIES, { representations: sound().slice(0, n).map((c) => rep(c)) });
    expect(body.errors).toBeUndefined();
    expect(body.data._entities).toHaveLength(n);
    return { requests: t.shopify.counters(), fields: t.shopify.rootFieldCounters() };
  }

  it('costs the same requests for 60 customers as for 15: one lookup that brings the page of orders along', async () => {
    const fifteen = await costOf(15);
    const sixty = await costOf(60);
    expect(sixty).toEqual(fifteen);
    expect(sixty).toEqual({ requests: { [`POST ${GRAPHQL_PATH}`]: 1 }, fields: { nodes: 1, customers: 1 } });
  });

  it('brings the order totals in the same lookup too; a second page size costs one more request', async () => {
    const reps = sound().slice(0, 10).map((c) => rep(c));
    const query = (fields: string) => `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { ${fields} } } }`;
    const alone = await Promise.all(['orders(first: 3) { edges { node { number } } }', 'orders(first: 1) { edges { node { number } } }', 'shopOrderTotals { amount placedAt }']
      .map(async (fields) => (await t.gql(query(fields), { r: reps })).body.data._entities));
    t.shopify.resetCounters();
    const { body } = await t.gql(query('a: orders(first: 3) { edges { node { number } } } shopOrderTotals { amount placedAt }'), { r: reps });
    expect(t.shopify.counters()).toEqual({ [`POST ${GRAPHQL_PATH}`]: 1 });
    expect(body.data._entities.map((e: { a: unknown }) => ({ orders: e.a }))).toEqual(alone[0]);
    expect(body.data._entities.map((e: { shopOrderTotals: unknown }) => ({ shopOrderTotals: e.shopOrderTotals }))).toEqual(alone[2]);
    t.shopify.resetCounters();
    const both = await t.gql(query('a: orders(first: 3) { edges { node { number } } } b: orders(first: 1) { edges { node { number } } }'), { r: reps });
    expect(t.shopify.counters()).toEqual({ [`POST ${GRAPHQL_PATH}`]: 2 });
    expect(both.body.data._entities.map((e: { b: unknown }) => ({ orders: e.b }))).toEqual(alone[1]);
  });

  it('serves every customer of a batch the same as alone', async () => {
    const batch = contacts().slice(0, 20);
    const { body } = await t.gql(ENTITIES, { representations: batch.map((c) => rep(c)) });
    for (const [i, contact] of batch.entries()) expect(body.data._entities[i]).toEqual(await entity(rep(contact)));
  });
});

describe('Customer.shopOrderTotals', () => {
  it("gives the shop totals and dates of the customer's non-cancelled orders", async () => {
    const contact = storedContact();
    const shopId = Number(contact.properties.shop_customer_id!.split('/').pop());
    const expected = newestOrders(shopId).filter((o) => !o.cancelledAt)
      .map((o) => ({ amount: o.totalPriceSet.shopMoney.amount, currency: 'USD', placedAt: new Date(o.createdAt).toISOString() }));
    const result = await entity(rep(contact), 'query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Customer { shopOrderTotals { amount currency placedAt } } } }');
    expect(result.shopOrderTotals).toEqual(expected);
  });
});

describe('Customer.shopOrderTotals over many orders', () => {
  // Two customers share 700 orders: each has more than one page (250) of them.
  const big = useCommerce({ dataset: { customers: 2, orders: 700, products: 5 } });

  it('pages through every order of the whole batch, one request per round', async () => {
    const representations = big.dataset.hubspot.contacts.map((c) => rep(c));
    const expected = big.dataset.hubspot.contacts.map((c) => {
      const shop = big.dataset.shopify.customers.find((s) => s.email?.toLowerCase() === c.properties.email);
      return big.dataset.shopify.orders.filter((o) => o.customerId === shop?.id && !o.cancelledAt).length;
    });
    expect(Math.min(...expected)).toBeGreaterThan(250);
    big.shopify.resetCounters();
    const { body } = await big.gql('query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { shopOrderTotals { amount } } } }', { r: representations });
    expect(body.data._entities.map((e: any) => e.shopOrderTotals.length)).toEqual(expected);
    expect(big.shopify.rootFieldCounters()).toMatchObject({ nodes: 2, node: 2 });
    expect(big.shopify.totalRequests()).toBe(3);
  });
});
