/**
 * updateCustomer: read every linked record fresh, refuse a stale expectedVersion, then write the
 * changed canonical fields to the CRM and through to the ERP partner and shop customer. Writes to one
 * customer are serialized by the lock; the intent is recorded before the first upstream write.
 */
import { codedError } from '../../schema/errors.ts';
import { decodeId } from '../shared/ids.ts';
import { assertVersion, assertVersionToken } from './version-check.ts';
import type { WriteContext } from './context.ts';
import { applyPatch, fieldsOf, normalizeCustomerInput, type CustomerInput, type CustomerPatch } from './input.ts';
import { bySystem, syncResult, type SyncResult } from './plan.ts';
import { externalIdOf, planCustomerWrites } from './plan-customer-writes.ts';
import { readCustomerSnapshot, type CustomerSnapshot } from './snapshot.ts';
import { runIntent, type PlannedEntry } from './run-intent.ts';

export interface CustomerPayload {
  customerId: string;
  sync: SyncResult[];
}

export async function updateCustomer(ctx: WriteContext, id: string, expectedVersion: string, input: CustomerInput): Promise<CustomerPayload> {
  const contactId = decodeId('Customer', id);
  if (contactId === null) throw codedError('NOT_FOUND', 'No customer has this id.', { field: 'id' });
  assertVersionToken(expectedVersion);
  // Everything but the phone (whose default region is the stored country) is refused before any read.
  const { phone: _phone, ...readFree } = input;
  normalizeCustomerInput(readFree);

  return ctx.lock.run(`customer:${contactId}`, async () => {
    const snapshot = await readCustomerSnapshot(ctx.adapters, contactId);
    if (!snapshot) throw codedError('NOT_FOUND', 'No customer has this id.', { field: 'id' });
    const patch = normalizeCustomerInput(input, snapshot.fields);
    assertVersion('customer', expectedVersion, snapshot.version, ['CRM', 'ERP', 'COMMERCE']);
    const newEmail = patch.email && patch.email !== snapshot.fields.email?.toLowerCase() ? patch.email : null;
    // A new email is also locked, as createCustomer locks it, so two customers never end up sharing one.
    if (!newEmail) return write(ctx, id, snapshot, patch, expectedVersion);
    return ctx.lock.run(`email:${newEmail}`, async () => {
      await checkEmailIsFree(ctx, newEmail, contactId);
      return write(ctx, id, snapshot, patch, expectedVersion);
    });
  });
}

/** Plans, records and applies the update (the version is checked and the locks are held). */
async function write(ctx: WriteContext, id: string, snapshot: CustomerSnapshot, patch: CustomerPatch, expectedVersion: string): Promise<CustomerPayload> {
  const contactId = snapshot.contactId;
  const desired = applyPatch(snapshot.fields, patch);
  const fields = fieldsOf(patch);
  const plan = await planCustomerWrites(ctx, snapshot, desired, fields, { systems: ['CRM', 'ERP', 'COMMERCE'], expectedVersion });
  const unchanged = plan.unchanged.map((system) => syncResult(system, 'UNCHANGED', externalIdOf(snapshot, system)));
  if (plan.writes.length === 0) return { customerId: id, sync: unchanged.sort(bySystem) };

  const { intent, entries } = ctx.store.recordIntent(
    { kind: 'updateCustomer', subjectKey: `customer:${contactId}`, request: { id, fields } },
    plan.writes.map((w) => w.write),
  );
  ctx.crash('after-intent');
  const planned: PlannedEntry[] = entries.map((entry, i) => ({ ...plan.writes[i], entry, lead: entry.system === 'CRM' }));
  const applied = await runIntent(ctx, intent.id, planned);
  return { customerId: id, sync: [...applied, ...unchanged].sort(bySystem) };
}

async function checkEmailIsFree(ctx: WriteContext, email: string, contactId: string): Promise<void> {
  const owner = await ctx.adapters.crm.findContactIdByEmail(email);
  if (owner !== null && owner !== contactId) {
    throw codedError('CONFLICT', 'Field "input.email" already belongs to another customer.', { field: 'input.email' });
  }
}
