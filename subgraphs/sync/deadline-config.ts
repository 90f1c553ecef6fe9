/**
 * The sync subgraph's timeout table (README "The deadline model"): how long a write may take in all,
 * how long it waits for a record's lock, and how long each upstream call of it may take. Read once by
 * config.ts; refused at start when the steps of one write do not fit in its deadline.
 */
import { envInteger } from '../shared/env-integer.ts';

export interface DeadlineConfig {
  /** A write's deadline when the gateway sent none (x-deadline-ms), and the longest one accepted. */
  defaultMs: number;
  /** Kept back from the deadline for answering, so the answer reaches the gateway before it gives up. */
  reserveMs: number;
  /** The longest a write waits for the writes ahead of it on the same record (then WRITE_IN_PROGRESS). */
  lockWaitMs: number;
  /** The longest one upstream call of a write may take (the systems' own timeouts still apply if lower). */
  callTimeoutMs: number;
}

/**
 * Sequential upstream steps of one write: read the CRM contact, read the ERP partner and shop customer
 * (side by side), write the lead, check whether a timed-out lead write landed, write the followers
 * (side by side). A step beyond these (an email change's lookup) runs only if a whole call still fits.
 */
export const SEQUENTIAL_CALLS = 5;

/** SYNC_DEADLINE_MS, SYNC_ANSWER_RESERVE_MS, SYNC_LOCK_WAIT_MS, SYNC_CALL_TIMEOUT_MS. */
export function readDeadlineConfig(env: NodeJS.ProcessEnv): DeadlineConfig {
  const config: DeadlineConfig = {
    defaultMs: envInteger(env, 'SYNC_DEADLINE_MS', 10_000, { min: 1 }),
    reserveMs: envInteger(env, 'SYNC_ANSWER_RESERVE_MS', 500, { min: 1 }),
    lockWaitMs: envInteger(env, 'SYNC_LOCK_WAIT_MS', 1000, { min: 1 }),
    callTimeoutMs: envInteger(env, 'SYNC_CALL_TIMEOUT_MS', 1500, { min: 1 }),
  };
  const total = config.reserveMs + config.lockWaitMs + SEQUENTIAL_CALLS * config.callTimeoutMs;
  if (total >= config.defaultMs) {
    throw new Error(`The write timeouts do not fit in SYNC_DEADLINE_MS (${config.defaultMs}): SYNC_ANSWER_RESERVE_MS + SYNC_LOCK_WAIT_MS + ${SEQUENTIAL_CALLS} × SYNC_CALL_TIMEOUT_MS = ${total}.`);
  }
  return config;
}
