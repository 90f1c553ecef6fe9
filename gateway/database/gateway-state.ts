/**
 * What the gateway keeps beyond a request, in the database the configuration names: the audit log and
 * the per-caller budget windows in PostgreSQL at DATABASE_URL (one pool, shared by every replica), else
 * the audit log's SQLite file and budgets in memory (the zero-configuration default). The code above
 * sees only AuditLog and BudgetCounter.
 */
import type { GatewayConfig } from '../config.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { AuditBatching } from '../audit/batched-audit-log.ts';
import { openSqliteAuditLog } from '../audit/sqlite-audit-log.ts';
import { openPostgresAuditLog } from '../audit/postgres-audit-log.ts';
import { memoryBudgetCounter, postgresBudgetCounter, type BudgetCounter } from '../limits/budget-counter.ts';
import { openGatewayDatabase } from './open-database.ts';

export interface GatewayState {
  audit: AuditLog;
  budgetCounter: BudgetCounter;
  /** Writes the pending audit records and lets go of the database. */
  close(): Promise<void>;
}

/** Called when a budget check had to count in memory because PostgreSQL failed or was late. */
export type OnBudgetFallback = () => void;

export async function openGatewayState(
  config: Pick<GatewayConfig, 'databaseUrl' | 'auditDbPath'>,
  batching: AuditBatching,
  onBudgetFallback: OnBudgetFallback,
  now: () => number = Date.now,
): Promise<GatewayState> {
  if (config.databaseUrl === null) {
    const audit = openSqliteAuditLog(config.auditDbPath, now, batching);
    return { audit, budgetCounter: memoryBudgetCounter(), close: () => audit.close() };
  }
  const pool = await openGatewayDatabase(config.databaseUrl);
  try {
    const budgetCounter = await postgresBudgetCounter(pool, onBudgetFallback);
    const audit = openPostgresAuditLog(pool, now, batching);
    return {
      audit,
      budgetCounter,
      close: async () => {
        try {
          await audit.close();
        } finally {
          await pool.end();
        }
      },
    };
  } catch (err) {
    await pool.end();
    throw err;
  }
}
