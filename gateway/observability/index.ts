/**
 * The gateway's observability in one object: metrics (GET /metrics), /healthz and /readyz, the Apollo
 * plugin that names operations, and the authenticator wrapper that counts failures by reason.
 */
import type { RequestListener } from 'node:http';
import type { ApolloServerPlugin } from '@apollo/server';
import { observeHttp } from '../../subgraphs/shared/observability/http-observer.ts';
import { operationNamePlugin } from '../../subgraphs/shared/observability/operation-name-plugin.ts';
import type { Authenticator } from '../auth/authenticator.ts';
import type { GatewayContext } from '../context.ts';
import { createGatewayMetrics, type GatewayMetrics } from './gateway-metrics.ts';
import { refusalLimit } from './limit-refusal.ts';
import { countingAuthFailures } from './count-auth-failures.ts';
import { gatewayReadiness, type GatewayReadinessParts } from './gateway-readiness.ts';

export interface GatewayObservability {
  metrics: GatewayMetrics;
  plugin: ApolloServerPlugin<GatewayContext>;
  /** Wraps the front door's handler: serves /metrics, /healthz, /readyz (of `readiness`) and measures /graphql. */
  wrap(readiness: GatewayReadinessParts): (handler: RequestListener) => RequestListener;
  authenticator(authenticator: Authenticator): Authenticator;
}

export function createGatewayObservability(): GatewayObservability {
  const metrics = createGatewayMetrics();
  return {
    metrics,
    plugin: operationNamePlugin<GatewayContext>(),
    wrap: (readiness) => (handler) => observeHttp({
      registry: metrics.registry,
      requests: metrics.requests,
      readiness: gatewayReadiness(readiness),
      onRequest: (request) => {
        const limit = refusalLimit(request);
        if (limit) metrics.refused(limit);
      },
    }, handler),
    authenticator: (authenticator) => countingAuthFailures(authenticator, metrics.authFailed),
  };
}
