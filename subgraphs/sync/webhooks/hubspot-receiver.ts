/**
 * POST /webhooks/hubspot: HubSpot's v3 webhooks, a JSON array of thin events (what changed, not the
 * new values). Verifies X-HubSpot-Signature-v3 (401 and nothing stored otherwise), stores every event
 * in the inbox in one transaction (an eventId seen before is a duplicate and ignored), answers 200 and
 * leaves the work to the inbox worker.
 */
import type { IncomingMessage } from 'node:http';
import type { RouteHandler } from '../../shared/server.ts';
import type { InboxEventInput } from '../store/types.ts';
import { checkHubSpotSignature } from './signatures.ts';
import { header, parseJson, refusedRequest, reply } from './http.ts';
import type { ReceiverDeps } from './receiver-deps.ts';

export function hubspotReceiver(deps: ReceiverDeps): RouteHandler {
  return async (req, res, rawBody) => {
    if (refusedRequest(req, res)) return;
    const check = checkHubSpotSignature(deps.secrets.hubspotAppSecret, {
      method: req.method ?? 'POST',
      uri: signedUri(req, deps.secrets.publicUrl),
      body: rawBody,
      signature: header(req, 'x-hubspot-signature-v3'),
      timestamp: header(req, 'x-hubspot-request-timestamp'),
    }, deps.now());
    if (!check.ok) return reply(res, 401, { error: check.reason });
    const events = parseHubSpotEvents(parseJson(rawBody));
    if (!events) return reply(res, 400, { error: 'The body is not a list of HubSpot webhook events.' });
    const { accepted, duplicates } = await deps.store.enqueueEvents('HUBSPOT', events, deps.now());
    await deps.recordsChanged('HUBSPOT', events);
    reply(res, 200, { accepted, duplicates });
    deps.wake();
  };
}

/** The URI the sender signed: WEBHOOK_PUBLIC_URL + path when configured, else http://<Host><path>. */
function signedUri(req: IncomingMessage, publicUrl: string | null): string {
  const path = req.url ?? '/';
  return publicUrl ? `${publicUrl}${path}` : `http://${header(req, 'host') ?? ''}${path}`;
}

interface HubSpotEvent {
  eventId: number | string;
  objectId: number | string;
  occurredAt: number;
  subscriptionType: string;
  propertyName?: string;
}

/** The events as inbox entries, or null when the body is not a list of events. */
export function parseHubSpotEvents(body: unknown): InboxEventInput[] | null {
  if (!Array.isArray(body) || !body.every(isEvent)) return null;
  return (body as HubSpotEvent[]).map((e) => ({
    eventId: String(e.eventId),
    objectType: e.subscriptionType.split('.')[0],
    objectId: String(e.objectId),
    occurredAt: e.occurredAt,
    topic: e.subscriptionType,
    payload: e,
  }));
}

function isEvent(value: unknown): value is HubSpotEvent {
  const e = value as Partial<HubSpotEvent> | null;
  return typeof e === 'object' && e !== null
    && (typeof e.eventId === 'number' || (typeof e.eventId === 'string' && e.eventId !== ''))
    && (typeof e.objectId === 'number' || (typeof e.objectId === 'string' && e.objectId !== ''))
    && typeof e.occurredAt === 'number' && Number.isFinite(e.occurredAt)
    && typeof e.subscriptionType === 'string' && e.subscriptionType.includes('.');
}
