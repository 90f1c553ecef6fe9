/** The audit log of personal and financial data served. PLACEHOLDER until the audit work lands. */
import type { Principal } from '../auth/principal.ts';

export interface AuditEvent {
  principal: Principal;
  requestId: string;
  /** Type.field names, never values. */
  fields: string[];
  customerIds: string[];
}

export interface AuditLog {
  record(event: AuditEvent): void;
}

export const noAudit: AuditLog = { record: () => {} };
