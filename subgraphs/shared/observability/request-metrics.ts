/**
 * The request metrics the gateway and every subgraph keep alike, under their own prefix
 * (`gateway_`, `subgraph_`): requests by operation and outcome, their latency, errors by code.
 */
import { Counter, Histogram, type Registry } from 'prom-client';
import { boundedLabel } from './bounded-label.ts';

/** How a GraphQL request ended: no errors, data with errors, errors without data, or refused before it ran. */
export type RequestOutcome = 'success' | 'partial' | 'failed' | 'refused';

/** Seconds: from a cached read (ms) to a write through three systems (seconds). */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Distinct operation names and error codes kept per server before the rest count as "other". */
const MAX_OPERATIONS = 100;
const MAX_CODES = 50;

export interface RequestMetrics {
  /** Counts one finished GraphQL request and the codes of the errors in its response. */
  record(request: { operation: string; outcome: RequestOutcome; seconds: number; errorCodes: string[] }): void;
}

export function createRequestMetrics(registry: Registry, prefix: string): RequestMetrics {
  const requests = new Counter({
    name: `${prefix}_requests_total`, help: 'GraphQL requests by operation name and outcome (success, partial, failed, refused).',
    labelNames: ['operation', 'outcome'], registers: [registry],
  });
  const duration = new Histogram({
    name: `${prefix}_request_duration_seconds`, help: 'Time from a GraphQL request arriving to its response being sent, by operation name.',
    labelNames: ['operation'], buckets: LATENCY_BUCKETS, registers: [registry],
  });
  const errors = new Counter({
    name: `${prefix}_errors_total`, help: 'Errors in GraphQL responses by extensions.code.',
    labelNames: ['code'], registers: [registry],
  });
  const operationLabel = boundedLabel(MAX_OPERATIONS);
  const codeLabel = boundedLabel(MAX_CODES);
  return {
    record({ operation, outcome, seconds, errorCodes }) {
      const op = operationLabel(operation);
      requests.inc({ operation: op, outcome });
      duration.observe({ operation: op }, seconds);
      for (const code of errorCodes) errors.inc({ code: codeLabel(code) });
    },
  };
}
