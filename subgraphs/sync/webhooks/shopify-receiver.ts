/**
 * POST /webhooks/shopify: Shopify's customers/update, orders/updated and orders/cancelled (and any
 * other topic, stored alike). Verifies X-Shopify-Hmac-Sha256 over the raw body (401 and nothing stored
 * otherwise), stores the event under X-Shopify-Event-Id (a redelivery is a duplicate and ignored),
 * answers 200 and leaves the work to the inbox worker. Shopify delivers at least once and unordered;
 * the record's updated_at orders the events of one record.
 */
import type { IncomingMessage } from 'node:http';
import type { RouteHandler } from '../../shared/server.ts';
import type { InboxEventInput } from '../store/types.ts';
import { checkShopifySignature } from './signatures.ts';
import { header, parseJson, refusedRequest, reply } from './http.ts';
import type { ReceiverDeps } from './receiver-deps.ts';

export function shopifyReceiver(deps: ReceiverDeps): RouteHandler {
  return async (req, res, rawBody) => {
    if (refusedRequest(req, res)) return;
    const check = checkShopifySignature(deps.secrets.shopifySecret, rawBody, header(req, 'x-shopify-hmac-sha256'));
    if (!check.ok) return reply(res, 401, { error: check.reason });
    const event = parseShopifyEvent(req, parseJson(rawBody), deps.now());
    if (!event) return reply(res, 400, { error: 'The webhook lacks X-Shopify-Topic, X-Shopify-Event-Id or the record id.' });
    const { accepted, duplicates } = await deps.store.enqueueEvents('SHOPIFY', [event], deps.now());
    await deps.recordsChanged('SHOPIFY', [event]);
    reply(res, 200, { accepted, duplicates });
    deps.wake();
  };
}

/** The event as an inbox entry, or null when a required part is missing. */
function parseShopifyEvent(req: IncomingMessage, body: unknown, now: number): InboxEventInput | null {
  const topic = header(req, 'x-shopify-topic');
  const eventId = header(req, 'x-shopify-event-id');
  const record = body as { id?: unknown; updated_at?: unknown } | null;
  if (!topic || !eventId || typeof record !== 'object' || record === null) return null;
  if (typeof record.id !== 'number' && !(typeof record.id === 'string' && record.id !== '')) return null;
  return {
    eventId,
    objectType: topic.split('/')[0].replace(/s$/, ''),
    objectId: String(record.id),
    occurredAt: firstTime(record.updated_at, header(req, 'x-shopify-triggered-at')) ?? now,
    topic,
    payload: body,
  };
}

/** The first of the ISO-8601 times that parses, as epoch ms. */
function firstTime(...values: unknown[]): number | null {
  for (const value of values) {
    const ms = typeof value === 'string' ? Date.parse(value) : NaN;
    if (Number.isFinite(ms)) return ms;
  }
  return null;
}
