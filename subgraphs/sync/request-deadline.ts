/**
 * A write's deadline: the time the gateway still waits for this subgraph (x-deadline-ms, which it sets
 * on every request from its own subgraph timeout and which reaches a resolver only with the gateway's
 * verified internal token), at most SYNC_DEADLINE_MS, less what answering takes.
 */
import type { IncomingMessage } from 'node:http';
import type { DeadlineScope } from '../shared/deadline.ts';
import type { DeadlineConfig } from './deadline-config.ts';

/** The header the gateway sends: milliseconds it will wait for this answer, counted from sending. */
export const DEADLINE_HEADER = 'x-deadline-ms';

/** The deadline scope of a request received now. */
export function requestDeadline(req: IncomingMessage, config: DeadlineConfig, now: () => number): DeadlineScope {
  const header = Number(req.headers[DEADLINE_HEADER]);
  const waitMs = Number.isInteger(header) && header > 0 ? Math.min(header, config.defaultMs) : config.defaultMs;
  return { deadline: now() + waitMs - config.reserveMs, callTimeoutMs: config.callTimeoutMs, now };
}
