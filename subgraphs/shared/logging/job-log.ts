/**
 * One log line per worker job (an outbox entry, an inbox event, a reconciliation pass, a pruning run):
 * runs the job in a request scope of its own, so its upstream calls carry a request id and are counted,
 * and logs its duration, calls and outcome. A job that fails unexpectedly (no registered code) is
 * logged at error level with its cause and stack; a coded failure (an outage, a refusal) at warn.
 */
import type { Logger } from './logger.ts';
import { runInScope } from './request-scope.ts';
import { traceIdentity } from './trace-context.ts';
import { errorForLog } from './sanitise-error.ts';
import { ERROR_CODES } from '../../../schema/errors.ts';

/** Fields that name the job: ids, systems, counts; never values. */
export type JobFields = Record<string, string | number | boolean | null | undefined>;

/** `summary` adds fields from the job's result (and may set `outcome` for a job that returns its failure). */
export function logJob<T>(logger: Logger, job: string, fields: JobFields, work: () => Promise<T>, summary?: (result: T) => JobFields): Promise<T> {
  return runInScope(traceIdentity({}), async (scope) => {
    const started = performance.now();
    const line = () => ({ job, requestId: scope.requestId, traceId: scope.traceId, ...fields, calls: scope.calls, ms: Math.round(performance.now() - started) });
    try {
      const result = await work();
      logger.info({ ...line(), outcome: 'ok', ...summary?.(result) }, 'job');
      return result;
    } catch (err) {
      const error = errorForLog(err);
      const expected = error.code !== undefined && error.code in ERROR_CODES && error.code !== 'INTERNAL_SERVER_ERROR';
      if (expected) logger.warn({ ...line(), outcome: 'failed', code: error.code, ...(error.system && { failedSystem: error.system }) }, 'job');
      else logger.error({ ...line(), outcome: 'failed', err: error }, 'job failed unexpectedly');
      throw err;
    }
  });
}
