/**
 * A subgraph server's observability in one call: its metrics (its own, or the ones its service made
 * before, as the sync service does for its workers), the Apollo plugin naming operations, and the
 * wrapper serving /metrics, /healthz and /readyz around its handler.
 */
import type { RequestListener } from 'node:http';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { createSubgraphMetrics, type SubgraphMetrics } from './subgraph-metrics.ts';
import { observeHttp, type ObservedRequest } from './http-observer.ts';
import { operationNamePlugin } from './operation-name-plugin.ts';
import type { ReadinessCheck } from './readiness.ts';

/** What a subgraph's service may hand its server (SubgraphOptions.observability). */
export interface SubgraphObservability {
  metrics?: SubgraphMetrics;
  /** The parts of readiness beyond the HTTP server answering (e.g. the database). */
  readiness?: ReadinessCheck;
  /** Sees every finished GraphQL request (e.g. to count version conflicts). */
  onRequest?: (request: ObservedRequest) => void;
}

export function observeSubgraph<Context extends BaseContext>(name: string, given: SubgraphObservability = {}) {
  const metrics = given.metrics ?? createSubgraphMetrics(name);
  return {
    metrics,
    plugin: operationNamePlugin<Context>() as ApolloServerPlugin<Context>,
    wrap: (handler: RequestListener): RequestListener => observeHttp({
      registry: metrics.registry,
      requests: metrics.requests,
      readiness: { http: () => true, ...given.readiness },
      scope: { metrics },
      onRequest: given.onRequest,
    }, handler),
  };
}
