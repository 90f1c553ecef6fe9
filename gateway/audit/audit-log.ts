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
  fields: string[];
  customerIds: string[];
}

export interface AuditLog {
  /** Appends durably: within the flush interval, or at once when it is 0 (sqlite-audit-log.ts). */
  record(event: AuditEvent): void;
  bySubject(subject: string, limit?: number): AuditRecord[];
  byCustomer(customerId: string, limit?: number): AuditRecord[];
  /** Deletes up to `limit` of the oldest records made before `before` (epoch ms), in one transaction; returns how many. */
  pruneBefore(before: number, limit: number): number;
  close(): void;
}
