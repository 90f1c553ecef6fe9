import { describe, expect, it } from 'vitest';
import { useCommerce } from './harness.ts';

const t = useCommerce({ dataset: { customers: 20, orders: 60, products: 5 }, standInOnly: true });

const UPDATE = `mutation($input: CustomerInput!) { customerUpdate(input: $input) {
  customer { id firstName updatedAt defaultEmailAddress { emailAddress } defaultPhoneNumber { phoneNumber } defaultAddress { city countryCodeV2 } }
  userErrors { field message } } }`;
const CREATE = 'mutation($input: CustomerInput!) { customerCreate(input: $input) { customer { id createdAt updatedAt } userErrors { field message } } }';
const CANCEL = `mutation($id: ID!, $refund: Boolean) { orderCancel(orderId: $id, reason: CUSTOMER, refund: $refund, restock: true) {
  job { id done } orderCancelUserErrors { field message code } } }`;

describe('customerUpdate', () => {
  it('reports an invalid email and phone as userErrors on a 200 and changes nothing', async () => {
    const customer = t.dataset.shopify.customers[0];
    const res = await t.admin(UPDATE, { input: { id: `gid://shopify/Customer/${customer.id}`, email: 'not-an-email', phone: '12' } });
    expect(res.status).toBe(200);
    expect(res.body.data.customerUpdate).toEqual({
      customer: null,
      userErrors: [{ field: ['email'], message: 'Email is invalid' }, { field: ['phone'], message: 'Phone is invalid' }],
    });
    expect(t.shopify.store.customers.get(customer.id)!.updatedAt).toBe(customer.updatedAt);
  });

  it('writes the given fields, stores the phone in E.164 and moves updatedAt on each write', async () => {
    const customer = t.dataset.shopify.customers[1];
    const id = `gid://shopify/Customer/${customer.id}`;
    const first = (await t.admin(UPDATE, { input: { id, firstName: 'Grace', phone: '(415) 555-0123', addresses: [{ city: 'Oakland', countryCode: 'US' }] } })).body.data.customerUpdate;
    expect(first).toEqual({
      customer: {
        id, firstName: 'Grace', updatedAt: expect.any(String),
        defaultEmailAddress: { emailAddress: customer.email },
        defaultPhoneNumber: { phoneNumber: '+14155550123' },
        defaultAddress: { city: 'Oakland', countryCodeV2: 'US' },
      },
      userErrors: [],
    });
    const second = (await t.admin(UPDATE, { input: { id, firstName: 'Grace B.' } })).body.data.customerUpdate.customer;
    expect(first.customer.updatedAt > customer.updatedAt).toBe(true);
    expect(second.updatedAt > first.customer.updatedAt).toBe(true);
    expect(second.updatedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  });

  it('refuses an email another customer has, whatever its case', async () => {
    const [a, b] = t.dataset.shopify.customers.slice(2);
    const res = await t.admin(UPDATE, { input: { id: `gid://shopify/Customer/${a.id}`, email: b.email!.toUpperCase() } });
    expect(res.body.data.customerUpdate.userErrors).toEqual([{ field: ['email'], message: 'Email has already been taken' }]);
  });

  it('reports an unknown customer as a userError', async () => {
    const res = await t.admin(UPDATE, { input: { id: 'gid://shopify/Customer/1', firstName: 'X' } });
    expect(res.body.data.customerUpdate).toEqual({ customer: null, userErrors: [{ field: ['id'], message: 'Customer does not exist' }] });
  });
});

describe('customerCreate', () => {
  it('creates a customer with a new gid', async () => {
    const res = await t.admin(CREATE, { input: { firstName: 'Ada', email: 'ada.new@example.com' } });
    const { customer, userErrors } = res.body.data.customerCreate;
    expect(userErrors).toEqual([]);
    expect(customer.id).toMatch(/^gid:\/\/shopify\/Customer\/\d+$/);
    expect(customer.createdAt).toBe(customer.updatedAt);
    const found = await t.admin('{ customers(first: 5, query: "email:ADA.NEW@example.com") { nodes { id firstName } } }');
    expect(found.body.data.customers.nodes).toEqual([{ id: customer.id, firstName: 'Ada' }]);
  });

  it('refuses a customer with neither name, email nor phone', async () => {
    const res = await t.admin(CREATE, { input: { tags: ['x'] } });
    expect(res.body.data.customerCreate).toEqual({ customer: null, userErrors: [{ field: null, message: 'Customer must have a name, phone number or email address' }] });
  });
});

describe('orderCancel', () => {
  it('cancels an order, voids a pending payment and moves updatedAt', async () => {
    const order = t.dataset.shopify.orders.find((o) => !o.cancelledAt && o.displayFinancialStatus === 'PENDING')!;
    const id = `gid://shopify/Order/${order.id}`;
    const res = await t.admin(CANCEL, { id, refund: false });
    expect(res.body.data.orderCancel).toEqual({ job: { id: expect.stringMatching(/^gid:\/\/shopify\/Job\//), done: true }, orderCancelUserErrors: [] });
    const { body } = await t.admin('query($id: ID!) { order(id: $id) { cancelledAt cancelReason displayFinancialStatus updatedAt } }', { id });
    expect(body.data.order).toEqual({ cancelledAt: body.data.order.updatedAt, cancelReason: 'CUSTOMER', displayFinancialStatus: 'VOIDED', updatedAt: expect.any(String) });
    expect(body.data.order.updatedAt > order.updatedAt).toBe(true);
  });

  it('refunds a paid order when asked to', async () => {
    const order = t.dataset.shopify.orders.find((o) => !o.cancelledAt && o.displayFinancialStatus === 'PAID')!;
    await t.admin(CANCEL, { id: `gid://shopify/Order/${order.id}`, refund: true });
    expect(t.shopify.store.orders.get(order.id)!.displayFinancialStatus).toBe('REFUNDED');
  });

  it('refuses to cancel an order twice, and an unknown order', async () => {
    const order = t.dataset.shopify.orders.find((o) => o.cancelledAt)!;
    const twice = await t.admin(CANCEL, { id: `gid://shopify/Order/${order.id}` });
    expect(twice.body.data.orderCancel).toEqual({ job: null, orderCancelUserErrors: [{ field: ['orderId'], message: 'Order has already been cancelled', code: 'INVALID' }] });
    const unknown = await t.admin(CANCEL, { id: 'gid://shopify/Order/1' });
    expect(unknown.body.data.orderCancel.orderCancelUserErrors).toEqual([{ field: ['orderId'], message: 'Order does not exist', code: 'NOT_FOUND' }]);
  });
});
