/**
 * HubSpot's webhooks (v3, thin events, batched): the changes of one request go out as one POST of a
 * JSON array of events, each naming the contact and, for a property change, the property and its new
 * value; the receiver reads the record itself. Signed with X-HubSpot-Signature-v3 =
 * base64(HMAC-SHA256(client secret, "POST" + target URI + body + X-HubSpot-Request-Timestamp)).
 */
import type { HubSpotContact } from '../dataset/types.ts';
import { hmacBase64, type SignedRequest, type WebhookOptions, type WebhookSender } from '../shared/webhooks.ts';

export interface HubSpotWebhookOptions extends WebhookOptions {
  /** The portal (HubSpot account) id the events name. Default 62515. */
  portalId?: number;
  /** The app id the events name. Default 1160452. */
  appId?: number;
}

/** One change to a contact, as a write handler reports it. */
export type ContactChange =
  | { type: 'contact.creation' | 'contact.deletion'; contact: HubSpotContact; occurredAt: number }
  | { type: 'contact.propertyChange'; contact: HubSpotContact; occurredAt: number; propertyName: string; propertyValue: string };

/** Receives the changes one request made, and the request's change source. */
export type ContactChangeListener = (changes: ContactChange[], changeSource: string) => void;

export interface HubSpotEvent {
  eventId: number;
  subscriptionId: number;
  portalId: number;
  appId: number;
  occurredAt: number;
  subscriptionType: ContactChange['type'];
  attemptNumber: number;
  objectId: number;
  propertyName?: string;
  propertyValue?: string;
  changeSource: string;
  changeFlag?: 'NEW' | 'DELETED';
}

/** HubSpot sends at most this many events per request. */
const MAX_BATCH = 100;
/** One subscription per event type in the stand-in's app. */
const SUBSCRIPTION_IDS: Record<ContactChange['type'], number> = { 'contact.creation': 2101, 'contact.propertyChange': 2102, 'contact.deletion': 2103 };

/** The v3 signature of a request to `uri` (the target URL as configured, query included). */
export function hubspotSignatureV3(secret: string, method: string, uri: string, body: string, timestamp: string): string {
  return hmacBase64(secret, method + uri + body + timestamp);
}

/** Turns each request's changes into signed, batched deliveries. */
export function hubspotNotifier(sender: WebhookSender, options: HubSpotWebhookOptions | undefined): ContactChangeListener {
  const portalId = options?.portalId ?? 62515;
  const appId = options?.appId ?? 1160452;
  let nextEventId = 1000;

  const toEvent = (change: ContactChange, changeSource: string): HubSpotEvent => ({
    eventId: nextEventId++,
    subscriptionId: SUBSCRIPTION_IDS[change.type],
    portalId,
    appId,
    occurredAt: change.occurredAt,
    subscriptionType: change.type,
    attemptNumber: 0,
    objectId: Number(change.contact.id),
    ...(change.type === 'contact.propertyChange' ? { propertyName: change.propertyName, propertyValue: change.propertyValue } : {}),
    changeSource,
    ...(change.type === 'contact.creation' ? { changeFlag: 'NEW' as const } : change.type === 'contact.deletion' ? { changeFlag: 'DELETED' as const } : {}),
  });

  const build = (events: HubSpotEvent[]) => (attempt: number, url: string): SignedRequest => {
    const body = JSON.stringify(events.map((e) => ({ ...e, attemptNumber: attempt })));
    const timestamp = String(Date.now());
    return {
      body,
      headers: {
        'content-type': 'application/json',
        'x-hubspot-request-timestamp': timestamp,
        'x-hubspot-signature-v3': hubspotSignatureV3(options!.secret, 'POST', url, body, timestamp),
      },
    };
  };

  return (changes, changeSource) => {
    if (!sender.enabled() || !sender.configured()) return;
    const events = changes.map((c) => toEvent(c, changeSource));
    for (let i = 0; i < events.length; i += MAX_BATCH) {
      const batch = events.slice(i, i + MAX_BATCH);
      sender.send([...new Set(batch.map((e) => e.subscriptionType))].join(','), build(batch));
    }
  };
}
