/**
 * How many operations may run at once: a bound that adapts to a latency target by Little's law. The
 * operations running, divided by how long they take, is the rate the gateway and what stands behind it
 * (subgraphs, upstreams, shared cores) complete them; that rate times the target is how many can run at
 * once and still finish within the target. The bound moves toward that figure: down (quickly) while
 * operations take longer than the target with more than the minimum running, up (slowly) while they
 * are faster and the bound is full. Below the minimum it never shrinks: an operation slow on its own
 * (a full page of customers, a loaded machine) is not made faster by running fewer. Operations still
 * running count too, before they finish: when a rush fills a bound that was high, the first answers come
 * late, and the bound must not wait for them to learn that it lets too many run.
 */
import type { AdmissionSettings } from './admission-settings.ts';

/** Weight of the newest run time in the running average. */
const LATENCY_WEIGHT = 0.2;
/** Share of the gap to the Little's-law figure closed per observation (an operation finished, or one arrived), down and up. */
const STEP_DOWN = 0.25;
const STEP_UP = 0.1;

export class ConcurrencyBound {
  #bound: number;
  #averageRunMs: number | null = null;

  constructor(private readonly settings: Pick<AdmissionSettings, 'minConcurrent' | 'maxConcurrent' | 'latencyTargetMs'>) {
    this.#bound = settings.maxConcurrent;
  }

  /** Operations that may run at once now. */
  get limit(): number {
    return Math.floor(this.#bound);
  }

  /** Recent operations' average run time (the target until one has finished). */
  get averageRunMs(): number {
    return this.#averageRunMs ?? this.settings.latencyTargetMs;
  }

  /** One operation finished after `runMs`, with `running` running (itself included); `full`: the bound was reached or requests waited. */
  finished(runMs: number, running: number, full: boolean): void {
    const { minConcurrent, maxConcurrent, latencyTargetMs } = this.settings;
    this.#averageRunMs = this.#averageRunMs === null ? runMs : this.#averageRunMs + LATENCY_WEIGHT * (runMs - this.#averageRunMs);
    const sustainable = (running * latencyTargetMs) / Math.max(1, this.#averageRunMs);
    if (sustainable < this.#bound && running > minConcurrent) this.#bound += STEP_DOWN * (sustainable - this.#bound);
    else if (sustainable > this.#bound && full) this.#bound += STEP_UP * (sustainable - this.#bound);
    this.#bound = Math.min(maxConcurrent, Math.max(minConcurrent, this.#bound));
  }

  /**
   * `running` operations have been running `meanAgeMs` on average; each will take about twice that
   * (while they keep arriving). Only shrinks, and only when that is longer than both the target and
   * the recent run time (which finished operations already account for).
   */
  stillRunning(running: number, meanAgeMs: number): void {
    const { minConcurrent, latencyTargetMs } = this.settings;
    const runMs = 2 * meanAgeMs;
    if (running <= minConcurrent || runMs <= Math.max(latencyTargetMs, this.averageRunMs)) return;
    const sustainable = (running * latencyTargetMs) / runMs;
    if (sustainable < this.#bound) this.#bound = Math.max(minConcurrent, this.#bound + STEP_DOWN * (sustainable - this.#bound));
  }
}
