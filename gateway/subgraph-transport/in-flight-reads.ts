/**
 * Identical subgraph reads in flight at the same moment are sent once (as Hive Gateway does): a page
 * that many callers load together costs the subgraph one call per distinct fetch, not one per caller.
 *
 * Shared only where the answer cannot depend on who asked beyond what the key holds:
 * - calls made for an incoming query, never for a mutation (its reads must see its own writes);
 * - to crm, erp, commerce and social, whose resolvers read nothing of the caller but its scopes
 *   (subgraphs/shared/scopes.ts, crm/filter-scopes.ts); never to sync, whose answers depend on the subject;
 * - with the same body (query, variables) and the same scope set, which together are the key.
 * Every caller parses the answer itself (BufferedResponse.json() reads the bytes anew), so none holds
 * another's objects, and refusals and failures reach each caller as its own errors. The entry is gone
 * once the call settles: nothing is cached. A joined caller waits on the first caller's call, whose
 * timeout (the same subgraph timeout) runs from when it was sent: never longer than its own call would.
 */
import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import type { SubgraphName } from '../../schema/subgraphs.ts';

type Fetcher = RemoteGraphQLDataSource['fetcher'];
type FetcherResponse = Awaited<ReturnType<Fetcher>>;
type FetcherInit = { method?: string; headers?: Record<string, string>; body?: string | Buffer };

/** The subgraphs whose reads may be shared: sync's `writeStatus` and outbox views depend on the subject. */
export const SHARED_READ_SUBGRAPHS: ReadonlySet<SubgraphName> = new Set(['crm', 'erp', 'commerce', 'social']);

/**
 * Set by the data source on a call that may be shared, holding the caller's sorted scopes; the fetcher
 * removes it, so it never leaves the gateway (and no client header can set it: only an allowlist is forwarded).
 */
export const SHARE_SCOPES_HEADER = 'x-gateway-shared-read-scopes';

/** A call that joined an identical one in flight (`true`) or was sent (`false`). */
export type InFlightLookup = (joined: boolean) => void;

/** The value of SHARE_SCOPES_HEADER for a caller's scopes: the same set always gives the same value. */
export const shareScopesValue = (scopes: ReadonlySet<string>): string => JSON.stringify([...scopes].sort());

/** Wraps a fetcher so that calls marked with SHARE_SCOPES_HEADER and identical in scopes and body are sent once. */
export function sharingInFlightReads(fetcher: Fetcher, onLookup: InFlightLookup): Fetcher {
  const inFlight = new Map<string, Promise<FetcherResponse>>();
  const send = fetcher as unknown as (url: string, init?: FetcherInit) => Promise<FetcherResponse>;
  const sharing = (url: string, init: FetcherInit = {}) => {
    const scopes = init.headers?.[SHARE_SCOPES_HEADER];
    if (scopes === undefined) return send(url, init);
    const headers = { ...init.headers };
    delete headers[SHARE_SCOPES_HEADER];
    if (typeof init.body !== 'string') return send(url, { ...init, headers });
    const key = JSON.stringify([url, scopes, init.body]);
    let answer = inFlight.get(key);
    onLookup(answer !== undefined);
    if (!answer) {
      answer = send(url, { ...init, headers }).finally(() => inFlight.delete(key));
      inFlight.set(key, answer);
    }
    return answer;
  };
  return sharing as unknown as Fetcher;
}
