/**
 * How many operations may run at once: a bound that adapts by Little's law to how long operations may
 * take (each its allowance: a few times its kind's unloaded run time, unloaded-run-times.ts, or the
 * latency target for a kind not seen unloaded). An operation's run time over its allowance is its
 * pressure: above 1 it queued behind others (in the gateway's event loop, the subgraphs', the shared
 * cores). The operations running divided by the recent pressure is how many could run at once with
 * each within its allowance. The bound moves toward that figure: down (quickly) while operations overrun
 * their allowance with more than the minimum running, up (slowly) while they are within it and the
 * bound is full. Below the minimum it never shrinks. Since the allowance is relative to each kind's own
 * unloaded time, a burst of operations slow on their own (a slow upstream, a full page) is not taken for
 * overload, while operations that take many times longer than alone are, however fast they are alone.
 * Operations still running count too, before they finish, while they fill the bound: when a rush fills a
 * bound that was high, the first answers come late, and the bound must not wait for them to learn that
 * it lets too many run (below the bound, those running are mostly the slow kinds of a mix, which linger).
 */
import type { AdmissionSettings } from './admission-settings.ts';

/** Weight of the newest observation in the running averages (run time, pressure, allowance). */
const WEIGHT = 0.2;
/** Share of the gap to the Little's-law figure closed per observation (an operation finished, or one arrived), down and up. */
const STEP_DOWN = 0.25;
const STEP_UP = 0.1;

const average = (before: number | null, value: number) => (before === null ? value : before + WEIGHT * (value - before));

export class ConcurrencyBound {
  #bound: number;
  #averageRunMs: number | null = null;
  #averagePressure: number | null = null;
  #averageAllowanceMs: number | null = null;

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

  /** One operation finished after `runMs` against its `allowanceMs`, with `running` running (itself included); `full`: the bound was reached or requests waited. */
  finished(runMs: number, allowanceMs: number, running: number, full: boolean): void {
    const { minConcurrent, maxConcurrent } = this.settings;
    this.#averageRunMs = average(this.#averageRunMs, runMs);
    this.#averageAllowanceMs = average(this.#averageAllowanceMs, allowanceMs);
    this.#averagePressure = average(this.#averagePressure, runMs / Math.max(1, allowanceMs));
    const sustainable = running / Math.max(1e-3, this.#averagePressure);
    // Only while they overrun: as a burst drains, few run, and few over a pressure under 1 says nothing of how many could.
    if (this.#averagePressure > 1 && sustainable < this.#bound && running > minConcurrent) this.#bound += STEP_DOWN * (sustainable - this.#bound);
    else if (sustainable > this.#bound && full) this.#bound += STEP_UP * (sustainable - this.#bound);
    this.#bound = Math.min(maxConcurrent, Math.max(minConcurrent, this.#bound));
  }

  /**
   * `running` operations have been running `meanAgeMs` on average; each will take about twice that
   * (while they keep arriving). Only shrinks, and only when that is longer than both the recent
   * allowance and the recent run time (which finished operations already account for).
   */
  stillRunning(running: number, meanAgeMs: number): void {
    const { minConcurrent, latencyTargetMs } = this.settings;
    const runMs = 2 * meanAgeMs;
    const allowanceMs = this.#averageAllowanceMs ?? latencyTargetMs;
    if (running <= minConcurrent || runMs <= Math.max(allowanceMs, this.averageRunMs)) return;
    const sustainable = (running * allowanceMs) / runMs;
    if (sustainable < this.#bound) this.#bound = Math.max(minConcurrent, this.#bound + STEP_DOWN * (sustainable - this.#bound));
  }

  /**
   * The gateway's own event loop was busy nearly all the recent time and runs `lateMs` late, with
   * `running` operations admitted: its own CPU (or its share of the cores) is what runs short, and each
   * operation admitted adds to the delay every new request waits before admission even sees it. Shrinks
   * toward the operations that would keep the delay at `targetMs`, as the delay grows about with the
   * work in the loop. Never below the minimum; grows back through finished() once the loop keeps up.
   */
  loopLate(running: number, lateMs: number, targetMs: number): void {
    if (running <= this.settings.minConcurrent || lateMs <= targetMs) return;
    const sustainable = (running * targetMs) / lateMs;
    if (sustainable < this.#bound) this.#bound = Math.max(this.settings.minConcurrent, this.#bound + STEP_DOWN * (sustainable - this.#bound));
  }
}
