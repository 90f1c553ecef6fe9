/**
 * The HubSpot stand-in: CRM v3 contacts over HTTP, in HubSpot's dialect (see shared/UPSTREAMS.md),
 * on the shared stand-in shell (counters, faults). It serves its own copy of the dataset's contacts.
 */
import type { Dataset } from '../dataset/types.ts';
import { startStandIn, type StandIn, type StandInRequest } from '../shared/standin.ts';
import { createContactStore } from './store.ts';
import { createRouter } from './routes.ts';
import { unauthenticated } from './errors.ts';

export interface HubSpotStandInOptions {
  dataset: Dataset;
  /** The private app token clients must send as `Authorization: Bearer <token>`. */
  credential: string;
  port?: number;
  host?: string;
  /** The clock writes stamp `updatedAt` with (tests pin it). */
  now?: () => number;
}

export function startHubSpotStandIn(options: HubSpotStandInOptions): Promise<StandIn> {
  const store = createContactStore(options.dataset.hubspot.contacts, options.now);
  const authenticate = (req: StandInRequest) => {
    const match = /^Bearer\s+(.+)$/i.exec(String(req.headers.authorization ?? ''));
    return match?.[1].trim() === options.credential ? null : unauthenticated();
  };
  return startStandIn({ name: 'hubspot', port: options.port, host: options.host, authenticate, route: createRouter(store) });
}
