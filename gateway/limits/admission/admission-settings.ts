/**
 * How much work the gateway admits at once, with zero-configuration defaults for a small machine (two
 * cores running the gateway beside its subgraphs). The README's configuration table lists each with
 * its env variable.
 */
export interface AdmissionSettings {
  /** The fewest operations the bound ever allows at once (ADMISSION_MIN_CONCURRENT). */
  minConcurrent: number;
  /** The most operations allowed at once, and where the bound starts (ADMISSION_MAX_CONCURRENT). */
  maxConcurrent: number;
  /** The average time an admitted operation should take to run; the bound shrinks while they take longer (ADMISSION_LATENCY_TARGET_MS). */
  latencyTargetMs: number;
  /** The longest a request waits for a slot; one that could not start within it is refused at once (ADMISSION_MAX_WAIT_MS). */
  maxWaitMs: number;
  /** How late the gateway's event loop may run while it is busy before the bound shrinks (ADMISSION_LOOP_DELAY_TARGET_MS). */
  loopDelayTargetMs: number;
}

export const DEFAULT_ADMISSION: AdmissionSettings = {
  // The floor holds only while operations overrun their kind's allowance or the gateway's loop stays late
  // (concurrency-bound.ts): bursts of operations slow on their own (real APIs take hundreds of ms a call)
  // are judged by their kind's own unloaded time and let through. Low, so that when the gateway's own
  // CPU share runs short it runs few operations and reads new requests (to refuse them) promptly.
  minConcurrent: 4,
  maxConcurrent: 256,
  latencyTargetMs: 1000,
  // Within the 100 ms a refusal should take: a request queued in vain is still told promptly.
  maxWaitMs: 50,
  // Half the 100 ms a refusal should take: a request waits that long in a late loop before it is even read.
  loopDelayTargetMs: 50,
};

/** What a refused client is told to wait (Retry-After): the smallest whole second, as the queue drains in well under one. */
export const OVERLOADED_RETRY_AFTER_S = 1;
