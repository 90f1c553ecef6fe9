/**
 * The audit log of personal and financial data served: who (subject and client), which customers,
 * which fields, when, and the request id. Never the values.
 */
import type { Principal } from '../auth/principal.ts';

export interface AuditEvent {
  principal: Principal;
  requestId: string;
  /** Type.field names, never values. */
  fields: string[];
  customerIds: string[];
}

/** One stored record, as `npm run audit` lists it. */
export interface AuditRecord {
  at: string;
  requestId: string;
  subject: string;
  clientId: string | null;
  /** Sorted, each once. */
  fields: string[];
  /** Each once, in the order served. */
  customerIds: string[];
}

export interface AuditLog {
  /**
   * Appends durably (batched-audit-log.ts): resolves once the record is written when the flush interval
   * is 0 (before the response that caused it is sent) or it filled a batch; else at once, and it is
   * written within the interval.
   */
  record(event: AuditEvent): Promise<void>;
  /** Newest first; these reads see the log's pending records (they are written first). */
  bySubject(subject: string, limit?: number): Promise<AuditRecord[]>;
  byCustomer(customerId: string, limit?: number): Promise<AuditRecord[]>;
  /** Deletes up to `limit` of the oldest records made before `before` (epoch ms), in one transaction; returns how many. */
  pruneBefore(before: number, limit: number): Promise<number>;
  /** Writes what is pending, then lets go of the database. */
  close(): Promise<void>;
}

/** What each database adapter (sqlite-audit-log.ts, postgres-audit-log.ts) provides; batching is above it. */
export interface AuditStore {
  /** Writes the records in one transaction. */
  write(records: AuditRecord[]): void | Promise<void>;
  /** Newest first. */
  bySubject(subject: string, limit: number): AuditRecord[] | Promise<AuditRecord[]>;
  byCustomer(customerId: string, limit: number): AuditRecord[] | Promise<AuditRecord[]>;
  pruneBefore(before: number, limit: number): number | Promise<number>;
  close(): void | Promise<void>;
}
