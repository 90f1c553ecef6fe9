/**
 * How long each kind of operation takes when the gateway is not busy: the recent average of its run
 * times when it ran with at most one other operation (a kind is the parsed operation the document cache
 * holds for a text, so it is remembered as long as the document is). From it, how long the kind may take
 * now before it counts as queueing behind others: a few times that, never under a floor (a fast
 * operation's few milliseconds are within scheduling noise). A kind slow on its own (a write to a slow
 * upstream) is allowed its own slowness, so that a burst of slow but healthy operations is not taken
 * for overload; a kind not yet seen unloaded is allowed the latency target.
 */

/** Run time over the unloaded run time at which operations count as queueing behind one another. */
export const QUEUEING_TOLERANCE = 3;
/** The least an operation is allowed, whatever its unloaded run time. */
export const MIN_ALLOWANCE_MS = 100;
/** Operations running (the one finishing included) at or under which a run time counts as unloaded. */
const UNLOADED_RUNNING = 2;
/**
 * Weight of the newest unloaded run time in its kind's average (a kind mixes cache hits and misses):
 * more when it is faster, so that a kind's first, cold runs (code not yet optimised, a plan not yet
 * cached) are soon forgotten.
 */
const WEIGHT_FASTER = 0.5;
const WEIGHT_SLOWER = 0.2;

export class UnloadedRunTimes {
  readonly #byKind = new WeakMap<object, number>();

  constructor(private readonly latencyTargetMs: number) {}

  /** How long an operation of `kind` may run before it counts as queueing (the latency target for a kind not yet seen unloaded). */
  allowanceMs(kind: object | undefined): number {
    const unloaded = kind === undefined ? undefined : this.#byKind.get(kind);
    return unloaded === undefined ? this.latencyTargetMs : Math.max(MIN_ALLOWANCE_MS, QUEUEING_TOLERANCE * unloaded);
  }

  /** An operation of `kind` ran `runMs` with at most `running` running at once meanwhile (itself included). */
  observe(kind: object, runMs: number, running: number): void {
    if (running > UNLOADED_RUNNING) return;
    const before = this.#byKind.get(kind);
    this.#byKind.set(kind, before === undefined ? runMs : before + (runMs < before ? WEIGHT_FASTER : WEIGHT_SLOWER) * (runMs - before));
  }
}
