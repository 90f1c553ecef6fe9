/**
 * How late and how busy the gateway's own event loop is, for admission control. A request waits in the
 * loop (its bytes unread, its handler not called) for as long as the loop is late, before admission
 * sees it; and while the loop is busy most of the time, every operation admitted adds to that delay
 * (the gateway's own CPU, or its share of cores it shares, is what runs short). A timer ticking every
 * 10 ms measures both: how late its ticks come (a late tick is time every waiting request lost), and
 * the event-loop utilisation (perf_hooks) over the last quarter second. A loop late and busy tick after
 * tick is overloaded; one late after a single long callback (a burst parsed at once, a collection) is not.
 */

import { performance } from 'node:perf_hooks';

/** The tick: fine enough for a 100 ms refusal budget, about 100 cheap callbacks a second. */
const TICK_MS = 10;
/** How long a late tick keeps counting: the recent lateness halves every this many ms. */
const HALF_LIFE_MS = 100;
/** Weight of each tick's lateness in the sustained figure: one long block counts once, a loop late tick after tick soon dominates. */
const SUSTAINED_WEIGHT = 0.2;
/** The window of the utilisation figure. */
const UTILISATION_WINDOW_MS = 250;

export interface EventLoopLoad {
  /**
   * How late the loop runs now, in ms: the longer of the recent ticks' delay (decaying) and how
   * overdue the next tick is (the loop has been busy since then, as it is when a request is handled
   * after a long callback).
   */
  lateMs(): number;
  /** How late tick after tick has come lately (a running average over ticks): high only while the loop stays late, not after one long callback. */
  sustainedLateMs(): number;
  /** Share of the last quarter second the loop spent running code rather than waiting for I/O (0 to 1). */
  utilisation(): number;
}

/** A load that is never late nor busy: admission control's default (tests of its arithmetic). */
export const IDLE_LOOP: EventLoopLoad = { lateMs: () => 0, sustainedLateMs: () => 0, utilisation: () => 0 };

/** Starts the tick (unref'd: it never keeps the process alive); `stop` ends it. */
export function watchEventLoop(): EventLoopLoad & { stop(): void } {
  let lastTick = performance.now();
  let recentLateMs = 0;
  let sustainedLateMs = 0;
  let windowStart = lastTick;
  let windowElu = performance.eventLoopUtilization();
  let utilisation = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    const late = Math.max(0, now - lastTick - TICK_MS);
    recentLateMs = Math.max(late, recentLateMs * 0.5 ** ((now - lastTick) / HALF_LIFE_MS));
    sustainedLateMs += SUSTAINED_WEIGHT * (late - sustainedLateMs);
    lastTick = now;
    if (now - windowStart >= UTILISATION_WINDOW_MS) {
      const elu = performance.eventLoopUtilization();
      utilisation = performance.eventLoopUtilization(elu, windowElu).utilization;
      windowElu = elu;
      windowStart = now;
    }
  }, TICK_MS);
  timer.unref();
  return {
    lateMs: () => Math.max(recentLateMs, performance.now() - lastTick - TICK_MS),
    sustainedLateMs: () => sustainedLateMs,
    utilisation: () => utilisation,
    stop: () => clearInterval(timer),
  };
}
