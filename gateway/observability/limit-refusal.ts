/**
 * Which of the front door's limits refused a request, read from the response the client got:
 * QUERY_TOO_COMPLEX names its measure (gateway/limits/limit-error.ts), RATE_LIMITED is the caller's
 * cost budget, OVERLOADED admission control, RESPONSE_TOO_LARGE the response cap, HTTP 413 the body cap.
 * Null for any other answer.
 */
import type { LimitMeasure } from '../limits/limit-error.ts';
import type { ObservedRequest } from '../../subgraphs/shared/observability/http-observer.ts';

/** `connections`: refused by the acceptor process before the gateway saw the request (gateway/acceptor/). */
export type RefusalLimit = LimitMeasure | 'budget' | 'admission' | 'connections' | 'responseSize' | 'bodySize';

const MEASURES = new Set<string>(['tokens', 'depth', 'aliases', 'rootFields', 'directives', 'cost'] satisfies LimitMeasure[]);

export function refusalLimit(request: ObservedRequest): RefusalLimit | null {
  if (request.status === 413) return 'bodySize';
  const first = request.errors[0];
  if (!first) return null;
  if (first.code === 'RATE_LIMITED') return 'budget';
  if (first.code === 'OVERLOADED') return 'admission';
  if (first.code === 'RESPONSE_TOO_LARGE') return 'responseSize';
  const measure = first.extensions.measure;
  if (first.code === 'QUERY_TOO_COMPLEX' && typeof measure === 'string' && MEASURES.has(measure)) return measure as LimitMeasure;
  return null;
}
