/**
 * Webhook signature checks, pure functions over what the request carried.
 * HubSpot v3: base64 HMAC-SHA256, keyed with the app's client secret, of
 * method + URI + raw body + X-HubSpot-Request-Timestamp; a timestamp more than 5 minutes away is refused
 * (HubSpot: "reject the request if the timestamp is older than 5 minutes"; we also refuse one as far
 * in the future). Shopify: base64 HMAC-SHA256 of the raw body keyed with the app's webhook secret.
 * Comparisons are timing-safe.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** How far X-HubSpot-Request-Timestamp may be from our clock. */
export const MAX_TIMESTAMP_SKEW_MS = 5 * 60 * 1000;

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

export interface HubSpotSignedRequest {
  method: string;
  /** The full URI the sender posted to, e.g. https://gateway.example.com/webhooks/hubspot. */
  uri: string;
  body: string;
  signature: string | undefined;
  timestamp: string | undefined;
}

export const hubspotSignature = (secret: string, method: string, uri: string, body: string, timestamp: string): string =>
  createHmac('sha256', secret).update(`${method}${uri}${body}${timestamp}`, 'utf8').digest('base64');

export function checkHubSpotSignature(secret: string, req: HubSpotSignedRequest, now: number): SignatureCheck {
  if (!req.signature || !req.timestamp) return { ok: false, reason: 'The request is not signed (X-HubSpot-Signature-v3, X-HubSpot-Request-Timestamp).' };
  const timestamp = Number(req.timestamp);
  if (!Number.isInteger(timestamp)) return { ok: false, reason: 'X-HubSpot-Request-Timestamp is not a timestamp.' };
  if (Math.abs(now - timestamp) > MAX_TIMESTAMP_SKEW_MS) return { ok: false, reason: 'The request timestamp is more than 5 minutes away from now.' };
  if (!equalSignatures(req.signature, hubspotSignature(secret, req.method, req.uri, req.body, req.timestamp))) {
    return { ok: false, reason: 'The signature does not match.' };
  }
  return { ok: true };
}

export const shopifySignature = (secret: string, body: string): string => createHmac('sha256', secret).update(body, 'utf8').digest('base64');

export function checkShopifySignature(secret: string, body: string, signature: string | undefined): SignatureCheck {
  if (!signature) return { ok: false, reason: 'The request is not signed (X-Shopify-Hmac-Sha256).' };
  if (!equalSignatures(signature, shopifySignature(secret, body))) return { ok: false, reason: 'The signature does not match.' };
  return { ok: true };
}

/** Timing-safe; lengths differ only for a malformed signature, which may be refused at once. */
function equalSignatures(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
