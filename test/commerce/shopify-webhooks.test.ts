import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateDataset } from '../../upstreams/dataset/generate.ts';
import { GRAPHQL_PATH, startShopifyStandIn, type ShopifyStandIn } from '../../upstreams/shopify/server.ts';
import { TOKEN } from './harness.ts';

const SECRET = 'dev-shopify-webhook-secret';
const UPDATE = `mutation($input: CustomerInput!) { customerUpdate(input: $input) {
  customer { id updatedAt } userErrors { field message } } }`;
const CANCEL = `mutation($id: ID!) { orderCancel(orderId: $id, reason: CUSTOMER, refund: false, restock: true) {
  job { id } orderCancelUserErrors { field message code } } }`;

interface Received {
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A webhook target on port 0 that records every request and answers with `reply` (a hang never answers). */
let receiver: Server;
let received: Received[] = [];
let reply: (n: number) => number | 'hang' = () => 200;
let targetUrl = '';
/** Answers held back by a hanging receiver. */
let hung: ServerResponse[] = [];

const dataset = generateDataset({ customers: 20, orders: 60, products: 5 });
let shopify: ShopifyStandIn;
const admin = async (query: string, variables: Record<string, unknown>) => {
  const res = await fetch(`${shopify.url}${GRAPHQL_PATH}`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-shopify-access-token': TOKEN }, body: JSON.stringify({ query, variables }),
  });
  return res.json();
};
const hmac = (body: string, secret = SECRET) => createHmac('sha256', secret).update(body, 'utf8').digest('base64');
const byTopic = (topic: string) => received.filter((r) => r.headers['x-shopify-topic'] === topic);

beforeAll(async () => {
  receiver = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const status = reply(received.length);
      if (status === 'hang') hung.push(res);
      else res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  targetUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/shopify`;
  shopify = await startShopifyStandIn({ dataset, credential: TOKEN, webhooks: { url: targetUrl, secret: SECRET, retryDelayMs: 20, timeoutMs: 2000 } });
});
afterAll(async () => {
  await shopify.close();
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
});
beforeEach(() => {
  received = [];
  hung = [];
  reply = () => 200;
  shopify.setWebhooksEnabled(true);
});
afterEach(() => shopify.webhooksSettled());

describe('Shopify stand-in: webhooks', () => {
  it('sends customers/update with the REST customer, signed over the raw body', async () => {
    const customer = dataset.shopify.customers[0];
    const gid = `gid://shopify/Customer/${customer.id}`;
    const result = await admin(UPDATE, { input: { id: gid, firstName: 'Grace', addresses: [{ address1: '1 Main St', city: 'Oakland', provinceCode: 'CA', countryCode: 'US', zip: '94607' }] } });
    expect(result.data.customerUpdate.userErrors).toEqual([]);
    await shopify.webhooksSettled();

    expect(received).toHaveLength(1);
    const [r] = received;
    expect(r.url).toBe('/webhooks/shopify');
    expect(r.headers).toMatchObject({
      'content-type': 'application/json',
      'x-shopify-topic': 'customers/update',
      'x-shopify-hmac-sha256': hmac(r.body),
      'x-shopify-shop-domain': 'standin-shop.myshopify.com',
      'x-shopify-api-version': '2025-10',
      'x-shopify-event-id': expect.stringMatching(/^[0-9a-f-]{36}$/),
      'x-shopify-webhook-id': expect.stringMatching(/^[0-9a-f-]{36}$/),
      'x-shopify-triggered-at': expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
    });
    expect(r.headers['x-shopify-hmac-sha256']).not.toBe(hmac(r.body, 'another-secret'));
    const address = {
      id: customer.id, customer_id: customer.id, first_name: 'Grace', last_name: customer.lastName,
      address1: '1 Main St', address2: null, city: 'Oakland', province_code: 'CA', country_code: 'US', zip: '94607',
      phone: customer.phone, name: ['Grace', customer.lastName].filter(Boolean).join(' '), default: true,
    };
    expect(JSON.parse(r.body)).toEqual({
      id: customer.id, email: customer.email, created_at: customer.createdAt,
      updated_at: result.data.customerUpdate.customer.updatedAt,
      first_name: 'Grace', last_name: customer.lastName, phone: customer.phone, tags: customer.tags.join(', '),
      addresses: [address], default_address: address, admin_graphql_api_id: gid,
    });
  });

  it('sends orders/updated and orders/cancelled, with distinct event ids, when an order is cancelled', async () => {
    const order = dataset.shopify.orders.find((o) => o.cancelledAt === null && o.customerId !== null)!;
    const result = await admin(CANCEL, { id: `gid://shopify/Order/${order.id}` });
    expect(result.data.orderCancel.orderCancelUserErrors).toEqual([]);
    await shopify.webhooksSettled();

    expect(received.map((r) => r.headers['x-shopify-topic'])).toEqual(['orders/updated', 'orders/cancelled']);
    expect(received[0].headers['x-shopify-event-id']).not.toBe(received[1].headers['x-shopify-event-id']);
    expect(received.every((r) => r.headers['x-shopify-hmac-sha256'] === hmac(r.body))).toBe(true);
    const payload = JSON.parse(byTopic('orders/cancelled')[0].body);
    expect(payload).toMatchObject({
      id: order.id, name: order.name, admin_graphql_api_id: `gid://shopify/Order/${order.id}`,
      cancelled_at: expect.any(String), cancel_reason: 'customer', updated_at: payload.cancelled_at,
      customer: { id: order.customerId, admin_graphql_api_id: `gid://shopify/Customer/${order.customerId}` },
      total_price: order.totalPriceSet.shopMoney.amount, currency: order.currencyCode,
    });
    expect(byTopic('orders/updated')[0].body).toBe(byTopic('orders/cancelled')[0].body);
  });

  it('sends nothing for a refused write, or while switched off', async () => {
    const customer = dataset.shopify.customers[1];
    await admin(UPDATE, { input: { id: `gid://shopify/Customer/${customer.id}`, email: 'not-an-email' } });
    shopify.setWebhooksEnabled(false);
    await admin(UPDATE, { input: { id: `gid://shopify/Customer/${customer.id}`, firstName: 'Off' } });
    shopify.setWebhooksEnabled(true);
    const off = await fetch(`${shopify.url}/__admin/webhooks`, { method: 'POST', body: JSON.stringify({ enabled: false }) });
    expect(await off.json()).toEqual({ enabled: false, configured: true, deliveries: expect.any(Number) });
    await admin(UPDATE, { input: { id: `gid://shopify/Customer/${customer.id}`, firstName: 'Still off' } });
    await shopify.webhooksSettled();
    expect(received).toEqual([]);
    await fetch(`${shopify.url}/__admin/webhooks`, { method: 'POST', body: JSON.stringify({ enabled: true }) });
    await admin(UPDATE, { input: { id: `gid://shopify/Customer/${customer.id}`, firstName: 'On' } });
    await shopify.webhooksSettled();
    expect(received.map((r) => JSON.parse(r.body).first_name)).toEqual(['On']);
  });

  it('answers the write without waiting for a receiver that hangs', async () => {
    reply = () => 'hang';
    const started = performance.now();
    const result = await admin(UPDATE, { input: { id: `gid://shopify/Customer/${dataset.shopify.customers[2].id}`, firstName: 'Slow' } });
    expect(result.data.customerUpdate.userErrors).toEqual([]);
    // Answered while the receiver still holds the delivery (it times out after 2 s).
    expect(performance.now() - started).toBeLessThan(1500);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(received).toHaveLength(1);
    expect(shopify.deliveries().at(-1)).toMatchObject({ attempts: 1, status: null });
    for (const res of hung) res.writeHead(200).end();
  });

  it('retries on a 500 with the same bytes and ids, and gives up after four attempts', async () => {
    reply = (n) => (n < 3 ? 500 : 200);
    await admin(UPDATE, { input: { id: `gid://shopify/Customer/${dataset.shopify.customers[3].id}`, firstName: 'Retry' } });
    await shopify.webhooksSettled();
    expect(received).toHaveLength(3);
    expect(new Set(received.map((r) => r.body)).size).toBe(1);
    expect(new Set(received.map((r) => r.headers['x-shopify-event-id'])).size).toBe(1);
    expect(shopify.deliveries().at(-1)).toMatchObject({ label: 'customers/update', attempts: 3, status: 200 });

    received = [];
    reply = () => 500;
    await admin(UPDATE, { input: { id: `gid://shopify/Customer/${dataset.shopify.customers[3].id}`, firstName: 'Never' } });
    await shopify.webhooksSettled();
    expect(received).toHaveLength(4);
    expect(shopify.deliveries().at(-1)).toMatchObject({ attempts: 4, status: 500 });
  });

  it('re-delivers an older delivery after a newer one, byte for byte', async () => {
    const id = `gid://shopify/Customer/${dataset.shopify.customers[4].id}`;
    await admin(UPDATE, { input: { id, firstName: 'First' } });
    await admin(UPDATE, { input: { id, firstName: 'Second' } });
    await shopify.webhooksSettled();
    const older = shopify.deliveries().length - 2;
    expect(await shopify.redeliver(older)).toBe(200);
    expect(received).toHaveLength(3);
    expect(received[2].body).toBe(received[0].body);
    expect(received[2].headers['x-shopify-event-id']).toBe(received[0].headers['x-shopify-event-id']);
    expect(received[2].headers['x-shopify-hmac-sha256']).toBe(received[0].headers['x-shopify-hmac-sha256']);
    expect(JSON.parse(received[2].body).first_name).toBe('First');
  });
});
