/**
 * The reconciliation service: runs one pass at a time (a second request while one runs is refused
 * with CONFLICT rather than queued, since it would read the same changes again), on demand
 * (route.ts, `npm run sync`) and every `intervalMs` (0: never; tests leave it off).
 */
import { codedError } from '../../../schema/errors.ts';
import { runPass, type PassDeps, type PassOptions, type PassSummary } from './pass.ts';

export interface Reconciler {
  run(options: PassOptions): Promise<PassSummary>;
  /** Stops the schedule and waits for a running pass to finish. */
  stop(): Promise<void>;
}

export function startReconciler(deps: PassDeps, schedule: { intervalMs: number; onError: (err: unknown) => void }): Reconciler {
  let running: Promise<PassSummary> | null = null;
  const run = (options: PassOptions): Promise<PassSummary> => {
    if (running) return Promise.reject(codedError('CONFLICT', 'A reconciliation pass is running already; try again when it has finished.'));
    running = runPass(deps, options).finally(() => { running = null; });
    return running;
  };
  const timer = schedule.intervalMs > 0
    ? setInterval(() => { if (!running) run({ since: null, dryRun: false }).catch(schedule.onError); }, schedule.intervalMs)
    : null;
  timer?.unref();
  return {
    run,
    stop: async () => {
      if (timer) clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
