/**
 * Plans a customer write per system against a fresh snapshot: nothing where there is no record or
 * it already holds the values (UNCHANGED), else one outbox write. Shared by updateCustomer (a client's
 * change, CRM first) and propagateCustomer (the CRM's state carried to the ERP and the shop).
 */
import { decodeVersion } from '../../shared/version.ts';
import type { SourceSystem } from '../../shared/sources.ts';
import type { CustomerField, CustomerFields } from '../../shared/write-adapter.ts';
import type { WriteContext } from '../context.ts';
import { changedValues } from './plan.ts';
import { UNREADABLE, type CustomerSnapshot, type Linked } from './snapshot.ts';
import type { PlannedEntry } from './run-intent.ts';
import type { CustomerSystem, Operation } from './operations.ts';
import type { PlannedWrite } from '../store/types.ts';

export interface PlannedSystemWrite {
  write: PlannedWrite;
  fresh: PlannedEntry['fresh'];
  queued: boolean;
}

export interface CustomerWritePlan {
  writes: PlannedSystemWrite[];
  unchanged: SourceSystem[];
}

export interface PlanOptions {
  /** The systems to plan for, in this order (the CRM, when present, is the lead). */
  systems: CustomerSystem[];
  /**
   * The version the caller checked, whose hash a write to a system unreadable right now must still
   * match when it is applied (see operations.ts); null: apply such a write unconditionally.
   */
  expectedVersion: string | null;
}

/** Per system: nothing (no record, or already as asked), or one write of `fields` of `desired`. */
export async function planCustomerWrites(
  ctx: WriteContext, snapshot: CustomerSnapshot, desired: CustomerFields, fields: CustomerField[], options: PlanOptions,
): Promise<CustomerWritePlan> {
  const writes: PlannedSystemWrite[] = [];
  const unchanged: SourceSystem[] = [];
  let crmWrites = false;
  for (const system of options.systems) {
    const adapter = system === 'CRM' ? ctx.adapters.crm : system === 'ERP' ? ctx.adapters.erp : ctx.adapters.commerce;
    const record = recordOf(snapshot, system);
    if (record === null) continue; // no record in that system: nothing to keep in step
    const recordKey = `${system}:customer:${snapshot.contactId}`;
    // An earlier write of ours to this record is still pending, so the record does not show it yet:
    // never call it UNCHANGED; queue behind it and let applyEntry compare when it is applied.
    const queued = await ctx.store.hasPending(system, recordKey);
    if (record !== UNREADABLE && !queued) {
      const changes = changedValues(record.values, await adapter.project(desired, fields));
      if (Object.keys(changes).length === 0) {
        unchanged.push(system);
        continue;
      }
    }
    if (system === 'CRM') crmWrites = true;
    const expectedMarkerHash = record === UNREADABLE && options.expectedVersion !== null ? decodeVersion(options.expectedVersion)?.[system] : undefined;
    const operation: Operation = {
      type: 'updateCustomer', system, desired, fields,
      // The others follow the CRM's write only when the CRM itself is written.
      afterLead: system !== 'CRM' && crmWrites,
      links: linksFor(snapshot, system, record),
      ...(expectedMarkerHash !== undefined && { expectedMarkerHash }),
    };
    writes.push({ write: { system, recordKey, operation }, fresh: record === UNREADABLE ? undefined : record, queued });
  }
  return { writes, unchanged };
}

const recordOf = (snapshot: CustomerSnapshot, system: CustomerSystem): Linked =>
  system === 'CRM' ? snapshot.crm : system === 'ERP' ? snapshot.erp : snapshot.commerce;

/** The links to find the record again later: its id when it was read, else what the CRM stores. */
function linksFor(snapshot: CustomerSnapshot, system: string, record: Linked) {
  if (record === UNREADABLE || record === null) return snapshot.links;
  if (system === 'ERP') return { ...snapshot.links, erpPartnerId: record.externalId };
  if (system === 'COMMERCE') return { ...snapshot.links, shopCustomerId: record.externalId };
  return snapshot.links;
}

/** The record's id in `system`, or null when there is none or it could not be read. */
export function externalIdOf(snapshot: CustomerSnapshot, system: SourceSystem): string | null {
  if (system === 'SOCIAL') return null;
  const record = recordOf(snapshot, system);
  return record && record !== UNREADABLE ? record.externalId : null;
}
