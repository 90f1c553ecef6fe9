/** Pure planning of per-system writes: what to write where, and what is already as asked. */
import type { SourceSystem } from '../../shared/sources.ts';
import type { SystemValues } from '../../shared/write-adapter.ts';

/** The values of `desired` that differ from `current` (compared as JSON, so nested values compare by content). */
export function changedValues(current: SystemValues, desired: SystemValues): SystemValues {
  const changes: SystemValues = {};
  for (const [key, value] of Object.entries(desired)) {
    if (JSON.stringify(current[key] ?? null) !== JSON.stringify(value ?? null)) changes[key] = value;
  }
  return changes;
}

export type SyncStatusValue = 'APPLIED' | 'UNCHANGED' | 'PENDING' | 'FAILED';

/** One entry of a payload's `sync` list. */
export interface SyncResult {
  system: SourceSystem;
  status: SyncStatusValue;
  externalId: string | null;
  message: string | null;
}

export const syncResult = (system: SourceSystem, status: SyncStatusValue, externalId: string | null, message: string | null = null): SyncResult =>
  ({ system, status, externalId, message });

/** The order every payload lists systems in. */
const ORDER: SourceSystem[] = ['CRM', 'ERP', 'COMMERCE', 'SOCIAL'];
export const bySystem = (a: SyncResult, b: SyncResult) => ORDER.indexOf(a.system) - ORDER.indexOf(b.system);
