/**
 * The loop both workers (outbox and inbox) run on: one tick at a time, the first at once, then every
 * `intervalMs` after the previous one ends; `wake` asks for a tick now (or right after the one in
 * flight); `drain` runs ticks until one finds nothing due (for tests); `stop` waits for the tick in flight.
 * Timers are unref'd: a worker alone does not keep the process alive, the server it serves does.
 */
export interface Ticker {
  wake(): void;
  stop(): Promise<void>;
  drain(): Promise<void>;
}

/** Full jitter can draw 0; never retry sooner than this, so a failing upstream is not hammered. */
export const MIN_RETRY_DELAY_MS = 5;

/** Retry n (from 0) waits min(maxMs, baseMs · 2ⁿ) · random(), and at least MIN_RETRY_DELAY_MS (exponential backoff, full jitter). */
export function retryDelayMs(backoff: { baseMs: number; maxMs: number }, attempts: number, random: () => number): number {
  return Math.max(MIN_RETRY_DELAY_MS, Math.min(backoff.maxMs, backoff.baseMs * 2 ** attempts) * random());
}

/**
 * `tick` runs until nothing is due; a tick that throws is reported to `onTickFailed` and tried again next time.
 * A tick may return how soon something it skipped will be due (ms): the next tick comes then if that is sooner than `intervalMs`.
 */
export function startTicker(intervalMs: number, tick: (stopped: () => boolean) => Promise<number | void>, onTickFailed: (err: unknown) => void): Ticker {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<number | void> | null = null;
  let again = false;

  const runTick = (): Promise<number | void> => {
    inFlight ??= tick(() => stopped).finally(() => {
      inFlight = null;
    });
    return inFlight;
  };

  const schedule = (delayMs: number): void => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      runTick().catch(onTickFailed).then((dueInMs) => {
        // A wake during the tick may have come after its last look at the store: look again now.
        const soon = again;
        again = false;
        schedule(soon ? 0 : Math.min(intervalMs, Math.max(0, dueInMs ?? intervalMs)));
      });
    }, delayMs);
    timer.unref();
  };

  schedule(0);
  return {
    wake() {
      if (inFlight) again = true;
      else schedule(0);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await inFlight?.catch(() => undefined);
    },
    async drain() {
      while (inFlight) await inFlight.catch(() => undefined);
      await runTick();
    },
  };
}
