/**
 * The HubSpot stand-in: CRM v3 contacts over HTTP, in HubSpot's dialect (see shared/UPSTREAMS.md),
 * on the shared stand-in shell (counters, faults). It serves its own copy of the dataset's contacts,
 * and with `webhooks` set it sends HubSpot's v3 webhooks for every change made through its API.
 */
import type { Dataset } from '../dataset/types.ts';
import { startStandIn, type StandIn, type StandInRequest } from '../shared/standin.ts';
import { createWebhookSender, webhookAdminRoutes, type WebhookControls } from '../shared/webhooks.ts';
import { createContactStore } from './store.ts';
import { createRouter } from './routes.ts';
import { unauthenticated } from './errors.ts';
import { hubspotNotifier, type HubSpotWebhookOptions } from './webhooks.ts';

export interface HubSpotStandInOptions {
  dataset: Dataset;
  /** The private app token clients must send as `Authorization: Bearer <token>`. */
  credential: string;
  port?: number;
  host?: string;
  /** The clock writes stamp `updatedAt` with (tests pin it). */
  now?: () => number;
  /** Where to send webhooks, signed with the app's client secret; absent: none are sent. */
  webhooks?: HubSpotWebhookOptions;
  /** How long a new contact stays out of search results (HubSpot's index trails writes); default 0. */
  searchLagMs?: number;
}

export type HubSpotStandIn = StandIn & WebhookControls & {
  /** Sets how long a new contact stays out of search results (also `POST /__admin/search-lag {"ms": n}`). */
  setSearchLag(ms: number): void;
};

export async function startHubSpotStandIn(options: HubSpotStandInOptions): Promise<HubSpotStandIn> {
  const store = createContactStore(options.dataset.hubspot.contacts, options.now);
  const now = options.now ?? Date.now;
  let searchLagMs = options.searchLagMs ?? 0;
  const sender = createWebhookSender(options.webhooks);
  const authenticate = (req: StandInRequest) => {
    const match = /^Bearer\s+(.+)$/i.exec(String(req.headers.authorization ?? ''));
    return match?.[1].trim() === options.credential ? null : unauthenticated();
  };
  const standIn = await startStandIn({
    name: 'hubspot', port: options.port, host: options.host, authenticate,
    route: createRouter(store, hubspotNotifier(sender, options.webhooks), () => ({ ms: searchLagMs, now: now() })),
    adminRoutes: {
      ...webhookAdminRoutes(sender),
      '/__admin/search-lag': (method, body) => {
        const ms = (body as { ms?: unknown } | undefined)?.ms;
        if (method === 'POST' && typeof ms === 'number' && ms >= 0) searchLagMs = ms;
        return { status: 200, body: { ms: searchLagMs } };
      },
    },
  });
  return {
    ...standIn,
    setSearchLag: (ms) => { searchLagMs = ms; },
    setWebhooksEnabled: sender.setWebhooksEnabled,
    deliveries: sender.deliveries,
    redeliver: sender.redeliver,
    webhooksSettled: sender.webhooksSettled,
    close: () => {
      sender.close();
      return standIn.close();
    },
  };
}
