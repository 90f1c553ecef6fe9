/**
 * Admission control: at most `limit` operations run at once (an adaptive bound, concurrency-bound.ts),
 * and a short queue in front of them whose wait is bounded in time, not in length. The decision is taken
 * at the door, when the request arrives and before its body is read and its token verified: counting
 * the requests already past the door but not yet at a slot, so that a rush is not let in because each
 * saw the same free slot. A request joins the queue only when, at the rate slots free up (the bound over
 * the recent run time), its turn comes within the max wait counted from its arrival; otherwise it is
 * refused at once. Its arrival is taken as early as the event loop's lateness says it may have been
 * (event-loop-load.ts): a request handled late by a busy loop has already spent part of its wait, and
 * its answer will come as late, so a loop late by half the max wait lets nobody queue. A queued
 * request still waiting at the max wait from its arrival (the rate fell meanwhile) is refused then. So
 * under overload the excess is refused at once instead of queueing until timeouts fire, and what is
 * admitted starts within the max wait.
 */
import type { AdmissionSettings } from './admission-settings.ts';
import { ConcurrencyBound } from './concurrency-bound.ts';
import { UnloadedRunTimes } from './unloaded-run-times.ts';
import { IDLE_LOOP, type EventLoopLoad } from './event-loop-load.ts';

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

/** A request past the door: it takes its slot once its body is read and its token verified, or leaves. */
export interface Arrival {
  /** A slot, at once or after a short wait, or why not; `gone` says whether the client has left meanwhile. */
  admit(gone: () => boolean): Promise<Slot | NotAdmitted>;
  /** Gives up its place without a slot (refused for another reason); does nothing once admit was called. */
  leave(): void;
}

export interface AdmissionControl {
  /** At the door: a place in line, or null when no slot could be had within the max wait (refuse at once). */
  arrive(): Arrival | null;
  state(): AdmissionState;
}

/** The loop counts as busy (its own work, not its I/O, is what it waits for) above this utilisation. */
const BUSY_UTILISATION = 0.9;
/** How often at most the loop's lateness may shrink the bound: each step sees what the last one did. */
const LOOP_CHECK_MS = 100;

interface Waiter {
  gone: () => boolean;
  settle: (result: Slot | NotAdmitted) => void;
  timer: NodeJS.Timeout;
}

/** `loop`: the gateway's event loop (watchEventLoop()); `now`: the clock, in ms. */
export function createAdmissionControl(settings: AdmissionSettings, loop: EventLoopLoad = IDLE_LOOP, now: () => number = () => performance.now()): AdmissionControl {
  const bound = new ConcurrencyBound(settings);
  const unloaded = new UnloadedRunTimes(settings.latencyTargetMs);
  const queue: Waiter[] = [];
  let running = 0;
  /** Requests past the door, not yet at a slot (reading their body, verifying their token). */
  let entering = 0;
  /** The running operations' start times added up: their mean age in O(1). */
  let startedSum = 0;
  let loopCheckedAt = -Infinity;

  /** Shrinks the bound while the gateway's own loop is busy and late (concurrency-bound.ts). */
  const checkLoop = () => {
    const at = now();
    if (at - loopCheckedAt < LOOP_CHECK_MS) return;
    loopCheckedAt = at;
    if (loop.utilisation() >= BUSY_UTILISATION) bound.loopLate(running, loop.sustainedLateMs(), settings.loopDelayTargetMs);
  };

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
  /** How long a request that arrived at `arrivedAt` may still wait: its answer comes as late as the loop runs. */
  const waitLeftMs = (arrivedAt: number) => arrivedAt + settings.maxWaitMs - now() - loop.lateMs();
  const slotFree = () => running < bound.limit && queue.length === 0;

  const admit = (arrivedAt: number, gone: () => boolean): Promise<Slot | NotAdmitted> => {
    if (slotFree()) return Promise.resolve(start());
    if (expectedWaitMs(queue.length + 1) > waitLeftMs(arrivedAt)) return Promise.resolve({ refused: 'full' });
    return new Promise((settle) => {
      const waiter: Waiter = {
        gone,
        settle,
        timer: setTimeout(() => {
          queue.splice(queue.indexOf(waiter), 1);
          settle({ refused: 'waited' });
        }, Math.max(0, arrivedAt + settings.maxWaitMs - now())),
      };
      queue.push(waiter);
    });
  };

  return {
    arrive() {
      const arrivedAt = now() - loop.lateMs();
      // Only while they fill the bound: then the first answers of a rush are late, and it must not wait for them.
      // Otherwise the slow kinds of a mix (writes among views) linger among those running and would pass for overload.
      if (running > 0 && running >= bound.limit) bound.stillRunning(running, now() - startedSum / running);
      checkLoop();
      // Those past the door take the free slots first, then queue in front of this one.
      const ahead = running + entering + queue.length - bound.limit;
      if (ahead >= 0 && expectedWaitMs(ahead + 1) > waitLeftMs(arrivedAt)) return null;
      entering += 1;
      let inside = true;
      const leave = () => {
        if (inside) entering -= 1;
        inside = false;
      };
      return {
        admit: (gone) => {
          leave();
          return admit(arrivedAt, gone);
        },
        leave,
      };
    },
    state: () => ({ limit: bound.limit, running, waiting: queue.length }),
  };
}
