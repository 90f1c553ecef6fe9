/**
 * The deadline of the request a piece of work serves, carried implicitly (AsyncLocalStorage) from
 * the sync subgraph's resolvers down to `upstreamRequest`, so every upstream call of one write is
 * bounded by it without threading it through each adapter. Outside a scope (the outbox worker, the
 * read subgraphs) nothing changes: each call has its system's own timeout.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { codedError } from '../../schema/errors.ts';

export interface DeadlineScope {
  /** Epoch ms by which the work must have answered (the caller's deadline less what answering takes). */
  deadline: number;
  /** The longest any one upstream call of this work may take (the row of the timeout table per call). */
  callTimeoutMs: number;
  now: () => number;
}

const scope = new AsyncLocalStorage<DeadlineScope>();

/** Runs `work` with every upstream call it makes bounded by `deadlineScope`. */
export function withDeadline<T>(deadlineScope: DeadlineScope, work: () => Promise<T>): Promise<T> {
  return scope.run(deadlineScope, work);
}

/** Milliseconds left before the current scope's deadline, or null outside any scope. */
export function remainingMs(): number | null {
  const current = scope.getStore();
  return current ? current.deadline - current.now() : null;
}

/**
 * The timeout for one upstream call of `system` about to start: its own `timeoutMs`, at most the
 * scope's per-call timeout. A call whose whole timeout would end after the deadline is not started:
 * UPSTREAM_UNAVAILABLE with `notStarted` (nothing was sent, so nothing can have been written).
 */
export function callTimeoutMs(system: string, timeoutMs: number): number {
  const current = scope.getStore();
  if (!current) return timeoutMs;
  const limit = Math.min(timeoutMs, current.callTimeoutMs);
  if (current.deadline - current.now() < limit) {
    throw codedError('UPSTREAM_UNAVAILABLE', `${system} was not called: the request's deadline leaves no time for it.`, { system, notStarted: true });
  }
  return limit;
}

/** True for the error `callTimeoutMs` throws: the call was never sent. */
export const notStarted = (err: unknown): boolean => (err as { extensions?: { notStarted?: unknown } } | null)?.extensions?.notStarted === true;

/**
 * True when an upstream call may have reached the system without its answer reaching us (it timed out,
 * or the connection was lost after it was made): the system may still apply it.
 */
export const outcomeUnknown = (err: unknown): boolean => (err as { extensions?: { outcomeUnknown?: unknown } } | null)?.extensions?.outcomeUnknown === true;
