import { describe, expect, it } from 'vitest';
import { createCommerceWriteAdapter, toOrderCancelReason } from '../../subgraphs/commerce/write-adapter.ts';
import { encodeId } from '../../subgraphs/shared/ids.ts';
import type { CustomerLinks } from '../../subgraphs/shared/sources.ts';
import { encodeVersion } from '../../subgraphs/shared/version.ts';
import type { CustomerFields } from '../../subgraphs/shared/write-adapter.ts';
import type { HubSpotContact, ShopifyCustomer } from '../../upstreams/dataset/types.ts';
import { TOKEN, useCommerce } from './harness.ts';

const t = useCommerce({ dataset: { customers: 30, orders: 120, products: 5 } });
const shop = () => createCommerceWriteAdapter({ baseUrl: t.shopify.url, credential: TOKEN, timeoutMs: 2000 });

const gidOf = (customer: ShopifyCustomer) => `gid://shopify/Customer/${customer.id}`;
const linksOf = (contact: HubSpotContact): CustomerLinks => ({
  contactId: contact.id, email: contact.properties.email, erpPartnerId: null, shopCustomerId: contact.properties.shop_customer_id, mastodonAcct: null,
});
/** The n-th contact that stores a shop customer gid, and that customer as the dataset holds it. */
function storedPair(n: number): { contact: HubSpotContact; customer: ShopifyCustomer } {
  const contact = t.dataset.hubspot.contacts.filter((c) => c.properties.shop_customer_id)[n];
  return { contact, customer: t.dataset.shopify.customers.find((c) => gidOf(c) === contact.properties.shop_customer_id)! };
}
/** The shop customer as the stand-in holds it now. */
const current = (customer: ShopifyCustomer) => t.shopify.store.customers.get(customer.id)!;

/** The commerce source's version as the read path reports it, through the subgraph over HTTP. */
async function readPathVersion(links: CustomerLinks): Promise<string> {
  const { body } = await t.gql(`query($representations: [_Any!]!) { _entities(representations: $representations) {
    ... on Customer { commerceSource { version } } } }`, {
    representations: [{ __typename: 'Customer', id: encodeId('Customer', links.contactId), links: { email: links.email, shopCustomerId: links.shopCustomerId } }],
  });
  expect(body.errors).toBeUndefined();
  return body.data._entities[0].commerceSource.version;
}

async function failure(promise: Promise<unknown>): Promise<{ message: string; extensions: Record<string, unknown> }> {
  const error = await promise.then(() => null, (e: unknown) => e as { message: string; extensions: Record<string, unknown> });
  expect(error, 'the call should have failed').not.toBeNull();
  return { message: error!.message, extensions: { ...error!.extensions } };
}

const FULL: CustomerFields = {
  firstName: 'Ada', lastName: 'Lovelace', company: 'Analytical Engines', email: 'ada.shop@example.com', phone: '+442079460958',
  address: { line1: '12 St James Sq', line2: 'Flat 3', city: 'London', region: 'LND', postalCode: 'SW1Y 4JH', country: 'GB' },
  lifecycleStage: 'CUSTOMER',
};
const EMPTY: CustomerFields = { firstName: null, lastName: null, company: null, email: null, phone: null, address: null, lifecycleStage: null };
const ALL = Object.keys(FULL) as (keyof CustomerFields)[];
const FULL_ADDRESS = { address1: '12 St James Sq', address2: 'Flat 3', city: 'London', provinceCode: 'LND', countryCode: 'GB', zip: 'SW1Y 4JH' };

describe('commerce write adapter: reading the linked customer', () => {
  it('reads the customer by its stored gid, with its values and the marker commerceSource reports', async () => {
    const { contact, customer } = storedPair(0);
    const a = customer.address!;
    t.shopify.resetCounters();
    const record = await shop().read(linksOf(contact));
    // One request: the stored gid's read is the match, its values and its marker (a write's version check waits on it).
    expect(t.shopify.totalRequests()).toBe(1);
    expect(record).toEqual({
      externalId: gidOf(customer), marker: customer.updatedAt, changedAt: Date.parse(customer.updatedAt), linkedBy: 'STORED_ID',
      values: {
        firstName: customer.firstName, lastName: customer.lastName, email: customer.email, phone: customer.phone,
        addresses: [{ address1: a.address1, address2: a.address2, city: a.city, provinceCode: a.provinceCode, countryCode: a.countryCodeV2, zip: a.zip }],
      },
      canonical: {
        firstName: customer.firstName, lastName: customer.lastName, email: customer.email, phone: customer.phone,
        address: { line1: a.address1, line2: a.address2, city: a.city, region: a.provinceCode, postalCode: a.zip, country: a.countryCodeV2 },
      },
    });
    expect(record!.marker).toBe(await readPathVersion(linksOf(contact)));
  });

  it('finds the customer by email, ignoring letter case, when the contact stores no gid', async () => {
    const contact = t.dataset.hubspot.contacts.find((c) => c.id === '101')!;
    const customer = t.dataset.shopify.customers.find((c) => c.email?.toLowerCase() === contact.properties.email)!;
    expect(customer.email).not.toBe(contact.properties.email);
    expect(await shop().read(linksOf(contact))).toMatchObject({ externalId: gidOf(customer), marker: customer.updatedAt, linkedBy: 'EMAIL_MATCH' });
  });

  it('finds the customer by email when the stored gid names no customer any more', async () => {
    const { contact, customer } = storedPair(3);
    const links = { ...linksOf(contact), shopCustomerId: 'gid://shopify/Customer/999999999' };
    expect(await shop().read(links)).toMatchObject({ externalId: gidOf(customer), linkedBy: 'EMAIL_MATCH' });
  });

  it('reads null when no shop customer is linked, and asks Shopify nothing without links', async () => {
    const links: CustomerLinks = { contactId: '1', email: 'nobody@example.com', erpPartnerId: null, shopCustomerId: null, mastodonAcct: null };
    expect(await shop().read(links)).toBeNull();
    t.shopify.resetCounters();
    expect(await shop().read({ ...links, email: null })).toBeNull();
    expect(t.shopify.totalRequests()).toBe(0);
  });
});

describe('commerce write adapter: project', () => {
  it('maps the canonical fields to CustomerInput, the address as one list value, company and lifecycle stage to nothing', async () => {
    expect(await shop().project(FULL, ALL)).toEqual({
      firstName: 'Ada', lastName: 'Lovelace', email: 'ada.shop@example.com', phone: '+442079460958', addresses: [FULL_ADDRESS],
    });
    expect(await shop().project(FULL, ['company', 'lifecycleStage'])).toEqual({});
  });

  it('clears with null, and with no address at all', async () => {
    expect(await shop().project(EMPTY, ALL)).toEqual({ firstName: null, lastName: null, email: null, phone: null, addresses: [] });
  });

  it('projects values that compare equal to the ones read back', async () => {
    const { contact } = storedPair(1);
    const record = (await shop().read(linksOf(contact)))!;
    await shop().update(record.externalId, await shop().project(FULL, ['address', 'phone']));
    const after = (await shop().read(linksOf(contact)))!;
    expect({ addresses: after.values.addresses, phone: after.values.phone }).toEqual(await shop().project(FULL, ['address', 'phone']));
  });
});

describe('commerce write adapter: update', () => {
  it('writes the changes; the customer reads back changed, with a new marker equal to the read path version', async () => {
    const { contact, customer } = storedPair(2);
    const before = (await shop().read(linksOf(contact)))!;
    await shop().update(before.externalId, { firstName: 'Grace', lastName: null });
    const after = (await shop().read(linksOf(contact)))!;
    expect(after.values).toEqual({ ...before.values, firstName: 'Grace', lastName: null });
    expect(after.marker > before.marker).toBe(true);
    expect(after.marker).toBe(current(customer).updatedAt);
    expect(after.marker).toBe(await readPathVersion(linksOf(contact)));
  });

  it('removes the phone and the address when they are cleared', async () => {
    const { contact, customer } = storedPair(3);
    await shop().update(gidOf(customer), await shop().project(EMPTY, ['phone', 'address']));
    expect((await shop().read(linksOf(contact)))!.values).toMatchObject({ phone: null, addresses: [] });
    expect(current(customer)).toMatchObject({ phone: null, address: null });
  });

  it('sends nothing when there is nothing to change', async () => {
    t.shopify.resetCounters();
    await shop().update(gidOf(storedPair(4).customer), {});
    expect(t.shopify.totalRequests()).toBe(0);
  });

  it("turns userErrors into BAD_USER_INPUT with Shopify's field and reason, writing nothing", async () => {
    const { customer } = storedPair(5);
    const marker = current(customer).updatedAt;
    expect(await failure(shop().update(gidOf(customer), { phone: '+1 12' }))).toEqual({
      message: 'Shopify refused the change: Phone is invalid', extensions: { code: 'BAD_USER_INPUT', system: 'Shopify', fields: ['phone'] },
    });
    expect(current(customer).updatedAt).toBe(marker);
  });

  it('refuses an email another customer has as a CONFLICT', async () => {
    const [{ customer }, { customer: other }] = [storedPair(6), storedPair(7)];
    expect(await failure(shop().update(gidOf(customer), { email: other.email!.toUpperCase() }))).toEqual({
      message: 'Shopify refused the change: Email has already been taken', extensions: { code: 'CONFLICT', system: 'Shopify', fields: ['email'] },
    });
  });

  it('answers a customer that does not exist with NOT_FOUND', async () => {
    expect(await failure(shop().update('gid://shopify/Customer/1', { firstName: 'X' }))).toEqual({
      message: 'Shopify refused the change: Customer does not exist', extensions: { code: 'NOT_FOUND', system: 'Shopify', fields: ['id'] },
    });
  });
});

describe('commerce write adapter: create', () => {
  it('creates the customer from the non-empty fields and returns its gid', async () => {
    const gid = await shop().create({ ...FULL, phone: null });
    const created = t.shopify.store.customers.get(Number(gid.split('/').pop()))!;
    expect(created).toMatchObject({
      firstName: 'Ada', lastName: 'Lovelace', email: 'ada.shop@example.com', phone: null,
      address: { address1: '12 St James Sq', address2: 'Flat 3', city: 'London', provinceCode: 'LND', countryCodeV2: 'GB', zip: 'SW1Y 4JH' },
    });
  });

  it('is safe to repeat: a customer with the email, in any letter case, is returned instead of a second one', async () => {
    const desired = { ...EMPTY, firstName: 'Once', email: 'once.only@example.com' };
    const first = await shop().create(desired);
    t.shopify.resetCounters();
    expect(await shop().create(desired)).toBe(first);
    expect(await shop().create({ ...desired, email: 'ONCE.only@Example.com' })).toBe(first);
    expect(t.shopify.rootFieldCounters().customerCreate).toBeUndefined();
    expect([...t.shopify.store.customers.values()].filter((c) => c.email === 'once.only@example.com')).toHaveLength(1);
  });

  it("turns userErrors into a coded error with Shopify's reason", async () => {
    expect(await failure(shop().create({ ...EMPTY, email: 'phone.bad@example.com', phone: '+1 12' }))).toEqual({
      message: 'Shopify refused the change: Phone is invalid', extensions: { code: 'BAD_USER_INPUT', system: 'Shopify', fields: ['phone'] },
    });
  });
});

describe('commerce write adapter: orders', () => {
  const openOrders = () => t.dataset.shopify.orders.filter((o) => !o.cancelledAt && o.displayFinancialStatus === 'PAID');

  it('reads an order with its gid, number, state and the marker Order.version is built from', async () => {
    const order = openOrders()[0];
    expect(await shop().readOrder(String(order.id))).toEqual({
      externalId: `gid://shopify/Order/${order.id}`, marker: order.updatedAt, number: order.name, cancelled: false,
    });
    const { body } = await t.gql(`query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Order { version } } }`, {
      representations: [{ __typename: 'Order', id: encodeId('Order', order.id), erpVersion: null }],
    });
    expect(body.data._entities[0].version).toBe(encodeVersion({ ERP: null, COMMERCE: order.updatedAt }));
  });

  it('reads null for an order that does not exist or an id that is not numeric', async () => {
    expect(await shop().readOrder('1')).toBeNull();
    expect(await shop().readOrder('gid://shopify/Order/1')).toBeNull();
  });

  it('cancels without refunding; the order reads back cancelled with a new marker', async () => {
    const order = openOrders()[1];
    const before = (await shop().readOrder(String(order.id)))!;
    await shop().cancelOrder(before.externalId, 'The customer changed their mind');
    const after = (await shop().readOrder(String(order.id)))!;
    expect(after).toEqual({ ...before, cancelled: true, marker: expect.any(String) });
    expect(after.marker > before.marker).toBe(true);
    expect(t.shopify.store.orders.get(order.id)).toMatchObject({ cancelReason: 'CUSTOMER', displayFinancialStatus: 'PAID', cancelledAt: after.marker });
  });

  it('refuses to cancel an order twice, as a CONFLICT with Shopify\'s reason', async () => {
    const order = openOrders()[2];
    await shop().cancelOrder(`gid://shopify/Order/${order.id}`, null);
    expect(t.shopify.store.orders.get(order.id)!.cancelReason).toBe('OTHER');
    expect(await failure(shop().cancelOrder(`gid://shopify/Order/${order.id}`, null))).toEqual({
      message: 'Shopify refused the cancellation: Order has already been cancelled', extensions: { code: 'CONFLICT', system: 'Shopify', fields: ['orderId'] },
    });
  });

  it('answers an order that does not exist with NOT_FOUND', async () => {
    expect(await failure(shop().cancelOrder('gid://shopify/Order/1', 'fraud'))).toEqual({
      message: 'Shopify refused the cancellation: Order does not exist', extensions: { code: 'NOT_FOUND', system: 'Shopify', fields: ['orderId'] },
    });
  });

  it("maps the reason text to Shopify's OrderCancelReason, OTHER when nothing matches", () => {
    expect(Object.fromEntries([
      'Suspected fraud', 'FRAUD', 'Out of stock', 'inventory', 'Payment declined', 'Staff error',
      'Customer changed their mind', 'customer', 'changed my mind', 'Duplicate order', '', null,
    ].map((reason) => [String(reason), toOrderCancelReason(reason)]))).toEqual({
      'Suspected fraud': 'FRAUD', FRAUD: 'FRAUD', 'Out of stock': 'INVENTORY', inventory: 'INVENTORY', 'Payment declined': 'DECLINED',
      'Staff error': 'STAFF', 'Customer changed their mind': 'CUSTOMER', customer: 'CUSTOMER', 'changed my mind': 'CUSTOMER',
      'Duplicate order': 'OTHER', '': 'OTHER', null: 'OTHER',
    });
  });
});

describe('commerce write adapter: Shopify unavailable', () => {
  it('fails reads and writes with UPSTREAM_UNAVAILABLE, naming neither URL nor token', async () => {
    const { contact, customer } = storedPair(8);
    t.shopify.setFaults({ down: true });
    try {
      for (const call of [
        () => shop().read(linksOf(contact)), () => shop().update(gidOf(customer), { firstName: 'X' }), () => shop().create(FULL),
        () => shop().readOrder('450000'), () => shop().cancelOrder('gid://shopify/Order/450000', null),
      ]) {
        expect(await failure(call())).toEqual({ message: 'Shopify is unreachable.', extensions: { code: 'UPSTREAM_UNAVAILABLE', system: 'Shopify', outcomeUnknown: true } });
      }
    } finally {
      t.shopify.setFaults({});
    }
  });

  it('fails a write with UPSTREAM_UNAVAILABLE while Shopify answers 503', async () => {
    t.shopify.setFaults({ failStatus: 503, count: 1 });
    expect(await failure(shop().update(gidOf(storedPair(8).customer), { firstName: 'X' }))).toEqual({
      message: 'Shopify is unavailable (HTTP 503).', extensions: { code: 'UPSTREAM_UNAVAILABLE', system: 'Shopify', status: 503 },
    });
  });
});
