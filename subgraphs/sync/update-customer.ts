/**
 * updateCustomer: read every linked record fresh, refuse a stale expectedVersion, then write the
 * changed canonical fields to the CRM and through to the ERP partner and shop customer. Writes to one
 * customer are serialized by the lock; the intent is recorded before the first upstream write.
 */
import { codedError } from '../../schema/errors.ts';
import { decodeId } from '../shared/ids.ts';
import { decodeVersion } from '../shared/version.ts';
import { assertVersion, assertVersionToken } from './version-check.ts';
import type { SourceSystem } from '../shared/sources.ts';
import type { CustomerField, CustomerFields, CustomerWriteAdapter } from '../shared/write-adapter.ts';
import type { WriteContext } from './context.ts';
import { applyPatch, fieldsOf, normalizeCustomerInput, type CustomerInput } from './input.ts';
import { changedValues, syncResult, type SyncResult } from './plan.ts';
import { readCustomerSnapshot, UNREADABLE, type CustomerSnapshot, type Linked } from './snapshot.ts';
import { runIntent, type PlannedEntry } from './run-intent.ts';
import type { Operation } from './operations.ts';
import type { PlannedWrite } from './store/types.ts';

export interface CustomerPayload {
  customerId: string;
  sync: SyncResult[];
}

export async function updateCustomer(ctx: WriteContext, id: string, expectedVersion: string, input: CustomerInput): Promise<CustomerPayload> {
  const contactId = decodeId('Customer', id);
  if (contactId === null) throw codedError('NOT_FOUND', 'No customer has this id.', { field: 'id' });
  assertVersionToken(expectedVersion);

  return ctx.lock.run(`customer:${contactId}`, async () => {
    const snapshot = await readCustomerSnapshot(ctx.adapters, contactId);
    if (!snapshot) throw codedError('NOT_FOUND', 'No customer has this id.', { field: 'id' });
    const patch = normalizeCustomerInput(input, snapshot.fields);
    assertVersion('customer', expectedVersion, snapshot.version, ['CRM', 'ERP', 'COMMERCE']);
    if (patch.email && patch.email !== snapshot.fields.email?.toLowerCase()) await checkEmailIsFree(ctx, patch.email, contactId);

    const desired = applyPatch(snapshot.fields, patch);
    const fields = fieldsOf(patch);
    const plan = await planWrites(ctx, snapshot, desired, fields, expectedVersion);
    const unchanged = plan.unchanged.map((system) => syncResult(system, 'UNCHANGED', externalIdOf(snapshot, system)));
    if (plan.writes.length === 0) return { customerId: id, sync: sortResults(unchanged) };

    const { intent, entries } = ctx.store.recordIntent(
      { kind: 'updateCustomer', subjectKey: `customer:${contactId}`, request: { id, fields } },
      plan.writes.map((w) => w.write),
    );
    ctx.crash('after-intent');
    const planned: PlannedEntry[] = entries.map((entry, i) => ({ ...plan.writes[i], entry, lead: entry.system === 'CRM' }));
    const applied = await runIntent(ctx, intent.id, planned);
    return { customerId: id, sync: sortResults([...applied, ...unchanged]) };
  });
}

async function checkEmailIsFree(ctx: WriteContext, email: string, contactId: string): Promise<void> {
  const owner = await ctx.adapters.crm.findContactIdByEmail(email);
  if (owner !== null && owner !== contactId) {
    throw codedError('CONFLICT', 'Field "input.email" already belongs to another customer.', { field: 'input.email' });
  }
}

interface PlannedSystemWrite {
  write: PlannedWrite;
  fresh: PlannedEntry['fresh'];
  queued: boolean;
}


/** Per system: nothing (no record, or already as asked), or one write. */
async function planWrites(ctx: WriteContext, snapshot: CustomerSnapshot, desired: CustomerFields, fields: CustomerField[], expectedVersion: string) {
  const writes: PlannedSystemWrite[] = [];
  const unchanged: SourceSystem[] = [];
  const systems: [('CRM' | 'ERP' | 'COMMERCE'), CustomerWriteAdapter, Linked][] = [
    ['CRM', ctx.adapters.crm, snapshot.crm], ['ERP', ctx.adapters.erp, snapshot.erp], ['COMMERCE', ctx.adapters.commerce, snapshot.commerce],
  ];
  let crmWrites = false;
  for (const [system, adapter, record] of systems) {
    if (record === null) continue; // no record in that system: nothing to keep in step
    if (record !== UNREADABLE) {
      const changes = changedValues(record.values, await adapter.project(desired, fields));
      if (Object.keys(changes).length === 0) {
        unchanged.push(system);
        continue;
      }
    }
    if (system === 'CRM') crmWrites = true;
    const recordKey = `${system}:customer:${snapshot.contactId}`;
    const operation: Operation = {
      type: 'updateCustomer', system, desired, fields,
      // The others follow the CRM's write only when the CRM itself is written.
      afterLead: system !== 'CRM' && crmWrites,
      links: linksFor(snapshot, system, record),
      ...(record === UNREADABLE && { expectedMarkerHash: decodeVersion(expectedVersion)?.[system] }),
    };
    writes.push({ write: { system, recordKey, operation }, fresh: record === UNREADABLE ? undefined : record, queued: ctx.store.hasPending(system, recordKey) });
  }
  return { writes, unchanged };
}

/** The links to find the record again later: its id when it was read, else what the CRM stores. */
function linksFor(snapshot: CustomerSnapshot, system: string, record: Linked) {
  if (record === UNREADABLE || record === null) return snapshot.links;
  if (system === 'ERP') return { ...snapshot.links, erpPartnerId: record.externalId };
  if (system === 'COMMERCE') return { ...snapshot.links, shopCustomerId: record.externalId };
  return snapshot.links;
}

function externalIdOf(snapshot: CustomerSnapshot, system: SourceSystem): string | null {
  const record = system === 'CRM' ? snapshot.crm : system === 'ERP' ? snapshot.erp : snapshot.commerce;
  return record && record !== UNREADABLE ? record.externalId : null;
}

const ORDER: SourceSystem[] = ['CRM', 'ERP', 'COMMERCE'];
const sortResults = (results: SyncResult[]) => [...results].sort((a, b) => ORDER.indexOf(a.system) - ORDER.indexOf(b.system));
