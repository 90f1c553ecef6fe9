/**
 * The gateway's readiness parts: the supergraph loaded (Apollo started and not stopping), the audit
 * database answering a read, and each subgraph answering GET /healthz within a short timeout.
 */
import type { AuditLog } from '../audit/audit-log.ts';
import type { ReadinessCheck } from '../../subgraphs/shared/observability/readiness.ts';

/** How long a subgraph has to answer its /healthz. */
export const SUBGRAPH_PROBE_TIMEOUT_MS = 1000;

export interface GatewayReadinessParts {
  /** True once the supergraph is loaded and until the gateway stops. */
  supergraphLoaded: () => boolean;
  audit: AuditLog;
  /** Each subgraph's GraphQL URL by name. */
  subgraphUrls: Record<string, string>;
}

export function gatewayReadiness(parts: GatewayReadinessParts): ReadinessCheck {
  const subgraphs = Object.entries(parts.subgraphUrls).map(([name, url]) => [`subgraph:${name}`, () => answersHealthz(url)] as const);
  return {
    supergraph: parts.supergraphLoaded,
    // A read of nothing: throws once the database is closed or unreadable.
    auditDatabase: async () => Array.isArray(await parts.audit.bySubject('', 1)),
    ...Object.fromEntries(subgraphs),
  };
}

async function answersHealthz(graphqlUrl: string): Promise<boolean> {
  const res = await fetch(new URL('/healthz', graphqlUrl), { signal: AbortSignal.timeout(SUBGRAPH_PROBE_TIMEOUT_MS) });
  await res.body?.cancel();
  return res.ok;
}
