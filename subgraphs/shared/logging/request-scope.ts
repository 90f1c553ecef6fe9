/**
 * The request (or worker job) a piece of work serves, carried implicitly (AsyncLocalStorage) from the
 * HTTP handler down to the calls it makes: upstreamRequest and the gateway's subgraph data source read
 * it to forward the request id and traceparent, and count their calls for the request's log line.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { traceparentFor, type TraceIdentity } from './trace-context.ts';
import { noDependencies, type AnswerDependencies } from '../record-cache/answer-dependencies.ts';

export interface RequestScope extends TraceIdentity {
  /** Calls made to other systems (subgraphs for the gateway, upstreams for a subgraph), by name. */
  calls: Record<string, number>;
  operationName?: string;
  /** The `extensions.code` of each error answered, in order. */
  errorCodes: string[];
  /** What a subgraph's answer was made from (record-cache/answer-dependencies.ts). */
  answer: AnswerDependencies;
}

const storage = new AsyncLocalStorage<RequestScope>();

export function runInScope<T>(identity: TraceIdentity, work: (scope: RequestScope) => T): T {
  const scope: RequestScope = { ...identity, calls: {}, errorCodes: [], answer: noDependencies() };
  return storage.run(scope, () => work(scope));
}

export const currentScope = (): RequestScope | undefined => storage.getStore();

/**
 * Counts one call to `system` in the current scope and returns the headers that carry the request to
 * it (X-Request-Id and a traceparent with a new span id); none outside any scope.
 */
export function propagate(system: string): Record<string, string> {
  const scope = storage.getStore();
  if (!scope) return {};
  scope.calls[system] = (scope.calls[system] ?? 0) + 1;
  return { 'x-request-id': scope.requestId, traceparent: traceparentFor(scope) };
}
