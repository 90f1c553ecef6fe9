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
}

export const DEFAULT_ADMISSION: AdmissionSettings = {
  // Real CRM, ERP and shop APIs take hundreds of ms a call and a page several calls in a row: a tighter
  // target or floor would refuse ordinary bursts of slow but healthy traffic.
  minConcurrent: 16,
  maxConcurrent: 256,
  latencyTargetMs: 1000,
  // Within the 100 ms a refusal should take: a request queued in vain is still told promptly.
  maxWaitMs: 50,
};

/** What a refused client is told to wait (Retry-After): the smallest whole second, as the queue drains in well under one. */
export const OVERLOADED_RETRY_AFTER_S = 1;
