/**
 * Signed webhook delivery for the stand-ins: what HubSpot and Shopify do when their data changes.
 * A delivery starts after the write that caused it has been answered and never blocks or fails it;
 * a non-2xx answer, a network error or a timeout is retried a few times with a growing delay, then
 * given up (both products also give up eventually). Every delivery is kept, so tests can read what
 * was sent and send it again unchanged (a duplicate, or an old event after a newer one).
 */
import { createHmac } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { StandInResponse } from './standin.ts';

/** Where a stand-in sends its webhooks. Absent: the stand-in sends none. */
export interface WebhookOptions {
  /** The receiver; a function when it is known only after the stand-in starts (the local stack starts the receiver later). */
  url: string | (() => string);
  /** HubSpot: the app's client secret; Shopify: the app's webhook secret. */
  secret: string;
  /** Default true; `POST /__admin/webhooks {"enabled": false}` switches delivery off at run time. */
  enabled?: boolean;
  /** Attempts per delivery, the first one included. Default 4. */
  maxAttempts?: number;
  /** Retry n waits n × this many ms. Default 250. */
  retryDelayMs?: number;
  /** An attempt without an answer after this long counts as failed. Default 5000. */
  timeoutMs?: number;
}

/** The request of one attempt. */
export interface SignedRequest {
  headers: Record<string, string>;
  body: string;
}

export interface Delivery {
  /** What it is about, e.g. `customers/update` or `contact.propertyChange`. */
  label: string;
  url: string;
  /** The request of the latest attempt, exactly as sent. */
  request: SignedRequest;
  attempts: number;
  /** The latest answer's status; 'error' for a network error or timeout; null before the first answer. */
  status: number | 'error' | null;
}

/** The test hooks a stand-in with webhooks adds to its StandIn. */
export interface WebhookControls {
  setWebhooksEnabled(enabled: boolean): void;
  /** Every delivery since start, oldest first (copies). */
  deliveries(): Delivery[];
  /** Sends delivery `index` once more, byte for byte as last sent; resolves to the answer's status. */
  redeliver(index: number): Promise<number>;
  /** Resolves when no delivery is in flight or waiting to retry. */
  webhooksSettled(): Promise<void>;
}

export interface WebhookSender extends WebhookControls {
  /**
   * Queues a delivery unless webhooks are off or not configured. `build(attempt)` makes the request
   * of attempt 0, 1, …: HubSpot re-signs each attempt, Shopify resends the same bytes.
   */
  send(label: string, build: (attempt: number, url: string) => SignedRequest): void;
  enabled(): boolean;
  configured(): boolean;
  /** Abandons attempts in flight and pending retries. */
  close(): void;
}

/** base64(HMAC-SHA256(secret, text)), the signature both products use. */
export const hmacBase64 = (secret: string, text: string): string => createHmac('sha256', secret).update(text, 'utf8').digest('base64');

export function createWebhookSender(options: WebhookOptions | undefined): WebhookSender {
  const maxAttempts = options?.maxAttempts ?? 4;
  const retryDelayMs = options?.retryDelayMs ?? 250;
  const timeoutMs = options?.timeoutMs ?? 5000;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new Error(`webhooks.maxAttempts must be a positive integer: ${maxAttempts}`);
  let on = options?.enabled ?? true;
  const log: Delivery[] = [];
  const pending = new Set<Promise<void>>();
  const closing = new AbortController();

  const post = async (url: string, request: SignedRequest): Promise<number> => {
    const signal = AbortSignal.any([closing.signal, AbortSignal.timeout(timeoutMs)]);
    const res = await fetch(url, { method: 'POST', headers: request.headers, body: request.body, signal });
    await res.arrayBuffer();
    return res.status;
  };

  const run = async (delivery: Delivery, build: (attempt: number, url: string) => SignedRequest) => {
    // Start after the current turn, so that the write's own answer goes out first.
    await new Promise((resolve) => setImmediate(resolve));
    for (let attempt = 0; attempt < maxAttempts && !closing.signal.aborted; attempt++) {
      if (attempt > 0) await sleep(retryDelayMs * attempt, undefined, { signal: closing.signal });
      delivery.request = build(attempt, delivery.url);
      delivery.attempts = attempt + 1;
      delivery.status = await post(delivery.url, delivery.request).catch(() => 'error' as const);
      if (typeof delivery.status === 'number' && delivery.status >= 200 && delivery.status < 300) return;
    }
  };

  return {
    send(label, build) {
      if (!options || !on || closing.signal.aborted) return;
      const delivery: Delivery = { label, url: typeof options.url === 'function' ? options.url() : options.url, request: { headers: {}, body: '' }, attempts: 0, status: null };
      log.push(delivery);
      const done = run(delivery, build).catch(() => undefined).finally(() => pending.delete(done));
      pending.add(done);
    },
    enabled: () => on,
    configured: () => options !== undefined,
    setWebhooksEnabled: (enabled) => { on = enabled; },
    deliveries: () => structuredClone(log),
    redeliver(index) {
      const delivery = log[index];
      if (!delivery) return Promise.reject(new Error(`No delivery at index ${index}: ${log.length} recorded.`));
      return post(delivery.url, delivery.request);
    },
    async webhooksSettled() {
      while (pending.size) await Promise.all(pending);
    },
    close: () => closing.abort(),
  };
}

/** `/__admin/webhooks`: GET reports the state; POST `{"enabled": boolean}` switches delivery on or off. */
export function webhookAdminRoutes(sender: WebhookSender): Record<string, (method: string, body: unknown) => StandInResponse> {
  const state = () => ({ status: 200, body: { enabled: sender.enabled(), configured: sender.configured(), deliveries: sender.deliveries().length } });
  return {
    '/__admin/webhooks': (method, body) => {
      if (method === 'GET') return state();
      const enabled = (body as { enabled?: unknown } | undefined)?.enabled;
      if (method !== 'POST' || typeof enabled !== 'boolean') {
        return { status: 400, body: { message: `POST {"enabled": true|false} expected: ${method} ${JSON.stringify(body ?? null)}` } };
      }
      sender.setWebhooksEnabled(enabled);
      return state();
    },
  };
}
