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
 * once the call settles: nothing is cached, and a call sent before a write through the gateway settled is
 * not joined after it (InFlightReads.writeSettled). A joined caller waits on the first caller's call, whose
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

/**
 * The reads in flight, for all subgraphs. A read is joined only if it was sent after the last write
 * through this gateway settled: a caller reading after its own write never gets an answer fetched before it.
 */
export class InFlightReads {
  private readonly inFlight = new Map<string, { answer: Promise<FetcherResponse>; writesBefore: number }>();
  private writesSettled = 0;

  constructor(private readonly onLookup: InFlightLookup) {}

  /** A call made for a mutation settled: reads in flight now may predate its write, so none of them is joined any more. */
  writeSettled(): void {
    this.writesSettled += 1;
  }

  /** Wraps a fetcher so that calls marked with SHARE_SCOPES_HEADER and identical in URL, scopes and body are sent once. */
  sharing(fetcher: Fetcher): Fetcher {
    const send = fetcher as unknown as (url: string, init?: FetcherInit) => Promise<FetcherResponse>;
    const sharing = (url: string, init: FetcherInit = {}) => {
      const scopes = init.headers?.[SHARE_SCOPES_HEADER];
      if (scopes === undefined) return send(url, init);
      const headers = { ...init.headers };
      delete headers[SHARE_SCOPES_HEADER];
      if (typeof init.body !== 'string') return send(url, { ...init, headers });
      // The JSON array is self-delimiting, so the body follows it as is (not escaped into a copy).
      const key = JSON.stringify([url, scopes]) + init.body;
      const joinable = this.inFlight.get(key);
      this.onLookup(joinable?.writesBefore === this.writesSettled);
      if (joinable?.writesBefore === this.writesSettled) return joinable.answer;
      const entry = { answer: send(url, { ...init, headers }), writesBefore: this.writesSettled };
      // Gone once settled; a newer call under the same key (sent after a write) keeps its own entry.
      entry.answer.finally(() => {
        if (this.inFlight.get(key) === entry) this.inFlight.delete(key);
      }).catch(() => {});
      this.inFlight.set(key, entry);
      return entry.answer;
    };
    return sharing as unknown as Fetcher;
  }
}
