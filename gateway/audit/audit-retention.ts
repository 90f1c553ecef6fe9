/** The audit log keeps its records for AUDIT_RETENTION_DAYS (365 by default); the gateway prunes older ones itself. */
import { startPruning, type Pruning } from '../../subgraphs/shared/pruning.ts';
import type { AuditLog } from './audit-log.ts';
import type { Logger } from '../../subgraphs/shared/logging/logger.ts';

/** How often the gateway looks for expired audit records, and how many it deletes per transaction. */
const PRUNE_INTERVAL_MS = 5 * 60_000;
const PRUNE_BATCH_SIZE = 500;

/** Starts pruning `log`: once now, then every few minutes; stop() before closing the log. */
export function startAuditRetention(log: AuditLog, retentionMs: number, onError: (err: unknown) => void, now: () => number = Date.now, logger?: Logger): Pruning {
  return startPruning(
    [{ name: 'audit', pruneBatch: (at, limit) => log.pruneBefore(at - retentionMs, limit) }],
    { intervalMs: PRUNE_INTERVAL_MS, batchSize: PRUNE_BATCH_SIZE, now, onError: (_task, err) => onError(err), logger },
  );
}
