/**
 * One gate per system, shared by every call the sync service makes to it (requests, the outbox, the
 * inbox, reconciliation): its circuit breaker, the pause its rate limit asked for (HTTP 429 or 503 with
 * Retry-After) and, for the shop, its query-cost bucket. A call through the gate is refused at once,
 * without reaching the system, while the breaker is OPEN or the pause lasts; the outbox asks `readyAt`
 * before taking a system's writes, so queued writes wait for their system as a whole, not each on its own timer.
 */
import { codedError } from '../../../schema/errors.ts';
import type { WriteSystem } from '../store/types.ts';
import { failureMessage } from '../failures.ts';
import type { BreakerState, CircuitBreaker } from './breaker.ts';
import { asRetryable, classifyFailure, retryAfterMs } from './classify.ts';

export interface SystemGate {
  system: WriteSystem;
  breaker(): BreakerState;
  /** Runs one call to the system under the gate (5xx answers come out as UPSTREAM_UNAVAILABLE: see classify.ts). */
  run<T>(call: () => Promise<T>): Promise<T>;
  /** Epoch ms from which the outbox may send this system's writes (now or earlier: at once). */
  readyAt(): number;
  /** Writes the outbox applies to this system at once: 1 while HALF_OPEN (the trial call), else `concurrency`. */
  concurrency(): number;
}

export interface SystemGateOptions {
  system: WriteSystem;
  breaker: CircuitBreaker;
  /** Writes the outbox applies to this system at once when it is healthy. */
  concurrency: number;
  /** Another pace the system sets, e.g. when the shop's cost bucket next holds a write's points (epoch ms). */
  paceReadyAt?: () => number;
  now?: () => number;
}

export function createSystemGate(options: SystemGateOptions): SystemGate {
  const { system, breaker, concurrency, paceReadyAt = () => 0, now = Date.now } = options;
  let pausedUntil = 0;
  // Only our coded upstream errors carry `system`: an error raised before any call proves nothing about the system.
  const fromUpstream = (err: unknown) => typeof (err as { extensions?: { system?: unknown } } | null)?.extensions?.system === 'string';

  return {
    system,
    breaker: () => breaker.state(),
    async run(call) {
      if (breaker.state() === 'OPEN') {
        throw codedError('UPSTREAM_UNAVAILABLE', `${failureMessage(system, 'UPSTREAM_UNAVAILABLE')} Calls to it are paused while it keeps failing.`, { breaker: 'OPEN' });
      }
      if (now() < pausedUntil) {
        throw codedError('UPSTREAM_UNAVAILABLE', `${failureMessage(system, 'UPSTREAM_UNAVAILABLE')} It asked for a pause.`, { throttled: true, retryAfterMs: pausedUntil - now() });
      }
      try {
        const result = await call();
        breaker.success();
        return result;
      } catch (err) {
        if (!fromUpstream(err)) throw err;
        const kind = classifyFailure(err);
        if (kind === 'outage') {
          breaker.outage();
          throw asRetryable(err);
        }
        breaker.success();
        const status = (err as { extensions?: { status?: unknown } }).extensions?.status;
        const wait = retryAfterMs(err);
        // An HTTP rate limit's Retry-After holds for every call (the shop's cost bucket paces itself).
        if (kind === 'throttled' && wait !== null && (status === 429 || status === 503)) pausedUntil = Math.max(pausedUntil, now() + wait);
        throw err;
      }
    },
    readyAt: () => Math.max(breaker.reopensAt(), pausedUntil, paceReadyAt()),
    concurrency: () => (breaker.state() === 'HALF_OPEN' ? 1 : concurrency),
  };
}
