/**
 * Retention, done by the service itself: every `intervalMs` (and once at start) each task deletes its
 * rows older than its retention, `batchSize` rows per transaction, giving the event loop back between
 * batches so that requests and workers are never held up behind a long delete (better-sqlite3 is
 * synchronous: a transaction blocks the process for as long as it runs).
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Logger } from './logging/logger.ts';
import { logJob } from './logging/job-log.ts';

/** One table's pruning: deletes up to `limit` rows that have outlived their retention at `now`; returns how many. */
export interface PruneTask {
  name: string;
  pruneBatch(now: number, limit: number): number | Promise<number>;
}

export interface PruningOptions {
  intervalMs: number;
  batchSize: number;
  now?: () => number;
  /** A task failed (the next run tries again). Messages only: never row contents. */
  onError?: (task: string, err: unknown) => void;
  /** Each run is one job line here (logging/job-log.ts), with the rows deleted per task. */
  logger?: Logger;
}

export interface Pruning {
  /** Runs every task to the end now (also what the schedule does); resolves with the rows deleted per task. */
  runOnce(): Promise<Record<string, number>>;
  /** Stops the schedule and waits for a run in progress to stop after its current batch. */
  stop(): Promise<void>;
}

export function startPruning(tasks: PruneTask[], options: PruningOptions): Pruning {
  const { intervalMs, batchSize, now = Date.now } = options;
  if (!(Number.isInteger(batchSize) && batchSize > 0)) throw new Error(`batchSize must be a positive integer: ${batchSize}`);
  let stopped = false;
  let running: Promise<Record<string, number>> | null = null;

  async function run(): Promise<Record<string, number>> {
    const deleted: Record<string, number> = {};
    for (const task of tasks) {
      deleted[task.name] = 0;
      try {
        for (let n = batchSize; n === batchSize && !stopped; await nextTurn()) {
          n = await task.pruneBatch(now(), batchSize);
          deleted[task.name] += n;
        }
      } catch (err) {
        options.onError?.(task.name, err);
      }
    }
    return deleted;
  }
  const runOnce = (): Promise<Record<string, number>> => {
    running ??= (options.logger ? logJob(options.logger, 'prune', {}, run, (deleted) => deleted) : run()).finally(() => { running = null; });
    return running;
  };

  const timers = [setTimeout(runOnce, 0), setInterval(runOnce, intervalMs)];
  timers.forEach((t) => t.unref());
  return {
    runOnce,
    stop: async () => {
      stopped = true;
      timers.forEach((t) => clearTimeout(t));
      await running?.catch(() => undefined);
    },
  };
}
