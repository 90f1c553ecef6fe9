/**
 * Admission control: at most `limit` operations run at once (an adaptive bound, concurrency-bound.ts),
 * and a short queue in front of them whose wait is bounded in time, not in length. A request joins the
 * queue only when, at the rate slots free up (the bound over the recent run time), its turn comes
 * within the max wait; otherwise it is refused at once. A queued request still waiting at the max wait
 * (the rate fell meanwhile) is refused then. So under overload the excess is refused in microseconds
 * instead of queueing until timeouts fire, and what is admitted starts within the max wait.
 */
import type { AdmissionSettings } from './admission-settings.ts';
import { ConcurrencyBound } from './concurrency-bound.ts';
import { UnloadedRunTimes } from './unloaded-run-times.ts';

/** An admitted operation's slot: release it once its answer is sent, with its kind once known (the parsed operation; unloaded-run-times.ts). */
export interface Slot {
  release(kind?: object): void;
}

/** Why a request was not admitted: no turn within the max wait (`full`), waited the max wait (`waited`), or its client left while it waited. */
export type NotAdmitted = { refused: 'full' | 'waited' | 'gone' };

export interface AdmissionState {
  limit: number;
  running: number;
  waiting: number;
}

export interface AdmissionControl {
  /** Whether a request arriving now would be refused at once (every slot taken, no turn within the max wait). */
  refusesNow(): boolean;
  /** A slot, at once or after a short wait, or why not; `gone` says whether the client has left meanwhile. */
  admit(gone: () => boolean): Promise<Slot | NotAdmitted>;
  state(): AdmissionState;
}

interface Waiter {
  gone: () => boolean;
  settle: (result: Slot | NotAdmitted) => void;
  timer: NodeJS.Timeout;
}

export function createAdmissionControl(settings: AdmissionSettings, now: () => number = () => performance.now()): AdmissionControl {
  const bound = new ConcurrencyBound(settings);
  const unloaded = new UnloadedRunTimes(settings.latencyTargetMs);
  const queue: Waiter[] = [];
  let running = 0;
  /** The running operations' start times added up: their mean age in O(1). */
  let startedSum = 0;

  const start = (): Slot => {
    running += 1;
    const runningAtStart = running;
    const started = now();
    startedSum += started;
    let released = false;
    return {
      release(kind) {
        if (released) return;
        released = true;
        const runMs = now() - started;
        // Judged against what its kind took unloaded before this run, which then counts if it ran unloaded itself.
        bound.finished(runMs, unloaded.allowanceMs(kind), running, queue.length > 0 || running >= bound.limit);
        if (kind) unloaded.observe(kind, runMs, Math.max(runningAtStart, running));
        running -= 1;
        // Back to exactly 0 when idle, so rounding never accumulates.
        startedSum = running === 0 ? 0 : startedSum - started;
        dispatch();
      },
    };
  };

  const dispatch = () => {
    while (running < bound.limit && queue.length > 0) {
      const waiter = queue.shift()!;
      clearTimeout(waiter.timer);
      waiter.settle(waiter.gone() ? { refused: 'gone' } : start());
    }
  };

  /** When the request `ahead` places from a slot would start, at the rate slots free up now. */
  const expectedWaitMs = (ahead: number) => (ahead * bound.averageRunMs) / Math.max(1, bound.limit);
  const slotFree = () => {
    if (running > 0) bound.stillRunning(running, now() - startedSum / running);
    return running < bound.limit && queue.length === 0;
  };
  const waitTooLong = () => expectedWaitMs(queue.length + 1) > settings.maxWaitMs;

  return {
    refusesNow: () => !slotFree() && waitTooLong(),
    admit(gone) {
      if (slotFree()) return Promise.resolve(start());
      if (waitTooLong()) return Promise.resolve({ refused: 'full' });
      return new Promise((settle) => {
        const waiter: Waiter = {
          gone,
          settle,
          timer: setTimeout(() => {
            queue.splice(queue.indexOf(waiter), 1);
            settle({ refused: 'waited' });
          }, settings.maxWaitMs),
        };
        queue.push(waiter);
      });
    },
    state: () => ({ limit: bound.limit, running, waiting: queue.length }),
  };
}
