import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../subgraphs/sync/store/sqlite/store.ts';
import type { InboxEventInput } from '../../subgraphs/sync/store/types.ts';
import { checkHubSpotSignature, checkShopifySignature, hubspotSignature, shopifySignature } from '../../subgraphs/sync/webhooks/signatures.ts';
import { readSyncConfig } from '../../subgraphs/sync/config.ts';

const T0 = Date.parse('2026-11-20T12:00:00.000Z');
const event = (eventId: string, objectId: string, occurredAt: number): InboxEventInput =>
  ({ eventId, objectType: 'contact', objectId, occurredAt, topic: 'contact.propertyChange', payload: { eventId } });

describe('the webhook inbox', () => {
  it('keeps events and their ids across a reopen, so a redelivery after a restart is still a duplicate', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'inbox-')), 'gateway.db');
    const first = openSqliteStore(path);
    expect(await first.enqueueEvents('HUBSPOT', [event('1', '101', T0), event('2', '101', T0 + 1)], T0)).toEqual({ accepted: 2, duplicates: 0 });
    await first.close();
    const second = openSqliteStore(path);
    expect(await second.enqueueEvents('HUBSPOT', [event('2', '101', T0 + 1), event('3', '102', T0)], T0 + 5)).toEqual({ accepted: 1, duplicates: 1 });
    expect(await second.enqueueEvents('SHOPIFY', [event('2', '101', T0)], T0 + 6)).toEqual({ accepted: 1, duplicates: 0 });
    expect((await second.inboxEvents('HUBSPOT')).map((e) => e.eventId)).toEqual(['1', '2', '3']);
    expect(await second.lastWebhookReceived()).toEqual({ HUBSPOT: T0 + 5, SHOPIFY: T0 + 6 });
    await second.close();
  });

  it('hands out the oldest pending event of each record first, and the next only once it is done', async () => {
    const store = openSqliteStore(':memory:');
    await store.enqueueEvents('HUBSPOT', [event('late', '101', T0 + 10), event('early', '101', T0), event('other', '102', T0 + 5)], T0);
    expect((await store.dueEvents(T0, 10)).map((e) => e.eventId)).toEqual(['early', 'other']);
    const early = (await store.dueEvents(T0, 10))[0];
    await store.markEventRetry(early.seq, 'ERP is unreachable.', T0 + 100);
    expect((await store.dueEvents(T0, 10)).map((e) => e.eventId)).toEqual(['other']);
    expect((await store.dueEvents(T0 + 100, 10)).map((e) => e.eventId)).toEqual(['early', 'other']);
    await store.markEventDone(early.seq, 'APPLIED', T0 + 100);
    expect((await store.dueEvents(T0 + 100, 10)).map((e) => e.eventId)).toEqual(['other', 'late']);
    expect(await store.appliedUpTo('HUBSPOT', 'contact', '101')).toBe(T0);
    await store.close();
  });

  it('raises the applied watermark only for APPLIED events, never lowers it, and refuses settling an event twice', async () => {
    const store = openSqliteStore(':memory:');
    await store.enqueueEvents('HUBSPOT', [event('a', '101', T0 + 10), event('b', '101', T0 + 20), event('c', '101', T0 + 30)], T0);
    const [a, b, c] = await store.inboxEvents('HUBSPOT');
    await store.markEventDone(b.seq, 'APPLIED', T0);
    await store.markEventDone(a.seq, 'APPLIED', T0);
    await store.markEventDone(c.seq, 'IGNORED', T0);
    expect(await store.appliedUpTo('HUBSPOT', 'contact', '101')).toBe(T0 + 20);
    await expect(store.markEventDone(c.seq, 'APPLIED', T0)).rejects.toThrow(`Inbox event ${c.seq} is DONE, not PENDING.`);
    await store.close();
  });
});

describe('webhook signatures', () => {
  const uri = 'https://gateway.example.com/webhooks/hubspot';
  const body = '[{"eventId":1}]';

  it('accepts HubSpot v3 signatures within 5 minutes and refuses a stale or future timestamp, a wrong URI or a wrong secret', async () => {
    const ts = String(T0);
    const signature = hubspotSignature('secret', 'POST', uri, body, ts);
    const req = { method: 'POST', uri, body, signature, timestamp: ts };
    expect(checkHubSpotSignature('secret', req, T0 + 299_000)).toEqual({ ok: true });
    expect(checkHubSpotSignature('secret', req, T0 + 301_000)).toMatchObject({ ok: false });
    expect(checkHubSpotSignature('secret', req, T0 - 301_000)).toMatchObject({ ok: false });
    expect(checkHubSpotSignature('secret', { ...req, uri: 'http://127.0.0.1/webhooks/hubspot' }, T0)).toEqual({ ok: false, reason: 'The signature does not match.' });
    expect(checkHubSpotSignature('other', req, T0)).toEqual({ ok: false, reason: 'The signature does not match.' });
    expect(checkHubSpotSignature('secret', { ...req, signature: undefined }, T0)).toMatchObject({ ok: false });
  });

  it('accepts a Shopify HMAC of the raw body and refuses any other', async () => {
    expect(checkShopifySignature('secret', body, shopifySignature('secret', body))).toEqual({ ok: true });
    expect(checkShopifySignature('secret', `${body} `, shopifySignature('secret', body))).toMatchObject({ ok: false });
    expect(checkShopifySignature('secret', body, 'short')).toMatchObject({ ok: false });
  });
});

describe('webhook config', () => {
  it('uses the development secrets by default and refuses them in production', async () => {
    expect(readSyncConfig({}).webhooks).toEqual({ hubspotAppSecret: 'dev-hubspot-app-secret', shopifySecret: 'dev-shopify-webhook-secret', publicUrl: null, inbox: { intervalMs: 1000 } });
    const production = { NODE_ENV: 'production', INTERNAL_TOKEN_SECRET: 'x'.repeat(40) };
    expect(() => readSyncConfig(production)).toThrow('HUBSPOT_APP_SECRET must be set in production mode (NODE_ENV=production): the development default is public.');
    expect(() => readSyncConfig({ ...production, HUBSPOT_APP_SECRET: 'h' })).toThrow('SHOPIFY_WEBHOOK_SECRET must be set in production mode');
    expect(readSyncConfig({ ...production, HUBSPOT_APP_SECRET: 'h', SHOPIFY_WEBHOOK_SECRET: 's', WEBHOOK_PUBLIC_URL: 'https://gw.example.com/' }).webhooks)
      .toMatchObject({ hubspotAppSecret: 'h', shopifySecret: 's', publicUrl: 'https://gw.example.com' });
  });
});
