/**
 * The retry policy by error: what an upstream call's failure means for the write and for the system.
 * - `throttled`: the system is up but asks us to slow down (Shopify THROTTLED, HTTP 429): retried when
 *   the system's pace allows (its Retry-After or cost bucket), not counted against the system.
 * - `outage`: unreachable, timed out, 5xx: retried with backoff and jitter; counts toward the breaker.
 * - `final`: the system refused the request itself (validation, conflict, not found, credential):
 *   retrying cannot help; the write is FAILED with the reason.
 */
import { codedError } from '../../../schema/errors.ts';
import { errorCode } from '../failures.ts';

export type FailureKind = 'throttled' | 'outage' | 'final';

interface UpstreamExtensions {
  system?: unknown;
  status?: unknown;
  throttled?: unknown;
  retryAfterMs?: unknown;
}

const extensionsOf = (err: unknown): UpstreamExtensions => (err as { extensions?: UpstreamExtensions } | null)?.extensions ?? {};

export function classifyFailure(err: unknown): FailureKind {
  const ext = extensionsOf(err);
  const code = errorCode(err);
  if (code === 'UPSTREAM_UNAVAILABLE') return ext.throttled === true ? 'throttled' : 'outage';
  // 501 Not Implemented will not change on retry; every other 5xx is the system failing for now.
  if (code === 'UPSTREAM_ERROR' && typeof ext.status === 'number' && ext.status >= 500 && ext.status !== 501) return 'outage';
  return 'final';
}

/** The wait the upstream asked for (Retry-After, or the cost bucket's refill), if it said. */
export function retryAfterMs(err: unknown): number | null {
  const ms = extensionsOf(err).retryAfterMs;
  return typeof ms === 'number' && ms >= 0 ? ms : null;
}

/**
 * The error as the write path must see it: a 5xx is retryable like any outage, so it becomes
 * UPSTREAM_UNAVAILABLE (the code the outbox and the request path retry); others are kept.
 */
export function asRetryable(err: unknown): unknown {
  if (classifyFailure(err) !== 'outage' || errorCode(err) === 'UPSTREAM_UNAVAILABLE') return err;
  const ext = extensionsOf(err);
  return codedError('UPSTREAM_UNAVAILABLE', `${(err as Error).message} It is retried.`, { system: ext.system, status: ext.status });
}
