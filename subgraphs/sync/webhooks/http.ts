/** Internal to the receivers: JSON answers and the body limit. */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Bodies above this are refused with 413 (HubSpot batches at most 100 thin events; Shopify payloads are small). */
export const MAX_BODY_BYTES = 1024 * 1024;

export function reply(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** Answers what is not a POST of at most MAX_BODY_BYTES; true when it did. */
export function refusedRequest(req: IncomingMessage, res: ServerResponse, rawBody: string): boolean {
  if (req.method !== 'POST') {
    res.setHeader('allow', 'POST');
    reply(res, 405, { error: 'Webhooks are delivered with POST.' });
    return true;
  }
  if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES || Buffer.byteLength(rawBody, 'utf8') > MAX_BODY_BYTES) {
    reply(res, 413, { error: `The body is larger than ${MAX_BODY_BYTES} bytes.` });
    return true;
  }
  return false;
}

/** A header's single value (Node joins repeated ones into an array only for some names). */
export const header = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
