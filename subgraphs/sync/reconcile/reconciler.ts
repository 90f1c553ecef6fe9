/**
 * The reconciliation service: runs one pass at a time, across every replica sharing the store (a
 * second request while one runs, here or on another replica, is refused with CONFLICT rather than
 * queued, since it would read the same changes again), on demand
 * (route.ts, `npm run sync`), and with a schedule: once at start and then every `intervalMs` (0: never;
 * tests leave it off). Stopping ends a running pass after its current page.
 */
import { codedError } from '../../../schema/errors.ts';
import { runPass, type PassDeps, type PassOptions, type PassSummary } from './pass.ts';
import { silentLogger, type Logger } from '../../shared/logging/logger.ts';
import { logJob } from '../../shared/logging/job-log.ts';
import { errorCode } from '../failures.ts';

export interface Reconciler {
  run(options: PassOptions): Promise<PassSummary>;
  /** Stops the schedule and waits for a running pass to finish. */
  stop(): Promise<void>;
}

/** Each pass, on demand or scheduled, is one job line in `schedule.logger` (shared/logging/job-log.ts). */
export function startReconciler(deps: PassDeps, schedule: { intervalMs: number; onError: (err: unknown) => void; logger?: Logger }): Reconciler {
  const logger = schedule.logger ?? silentLogger();
  let running: Promise<PassSummary> | null = null;
  let stopping = false;
  const run = (options: PassOptions): Promise<PassSummary> => {
    if (stopping) return Promise.reject(codedError('UPSTREAM_UNAVAILABLE', 'The sync service is shutting down.'));
    if (running) return Promise.reject(passRunning());
    const pass = () => runPass(deps, { ...options, shouldStop: () => stopping });
    running = (async () => {
      // The store's lease keeps passes one at a time across replicas; one running elsewhere is refused as one here is.
      const lease = await deps.ctx.store.tryReconcileLease();
      if (!lease) throw passRunning();
      try {
        return await logJob(logger, 'reconcile', { dryRun: options.dryRun }, pass, (summary) => ({ runId: summary.id, status: summary.status, outcome: summary.status === 'DONE' ? 'ok' : 'failed' }));
      } finally {
        await lease.release();
      }
    })().finally(() => { running = null; });
    return running;
  };
  // A scheduled pass that finds one running (on another replica) has nothing to do: that one reads the same changes.
  const scheduled = () => {
    if (!running) run({ since: null, dryRun: false }).catch((err) => { if (errorCode(err) !== 'CONFLICT') schedule.onError(err); });
  };
  const timers = schedule.intervalMs > 0 ? [setTimeout(scheduled, 0), setInterval(scheduled, schedule.intervalMs)] : [];
  timers.forEach((t) => t.unref());
  return {
    run,
    stop: async () => {
      stopping = true;
      timers.forEach((t) => clearTimeout(t));
      await running?.catch(() => undefined);
    },
  };
}

const passRunning = () => codedError('CONFLICT', 'A reconciliation pass is running already; try again when it has finished.');
