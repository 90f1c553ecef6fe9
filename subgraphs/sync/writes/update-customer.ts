/**
 * updateCustomer: read every linked record fresh, refuse a stale expectedVersion, then write the
 * changed canonical fields to the CRM and through to the ERP partner and shop customer. Writes to one
 * customer are serialized by the lock; the intent is recorded before the first upstream write.
 */
import { codedError } from '../../../schema/errors.ts';
import { decodeId } from '../../shared/ids.ts';
import { assertVersion, versionConflict, assertVersionToken } from './version-check.ts';
import type { WriteContext } from '../context.ts';
import { applyPatch, fieldsOf, normalizeCustomerInput, type CustomerInput, type CustomerPatch } from './input.ts';
import { bySystem, syncResult, type SyncResult } from './plan.ts';
import { externalIdOf, planCustomerWrites } from './plan-customer-writes.ts';
import { readCustomerSnapshot, type CustomerSnapshot } from './snapshot.ts';
import { runIntent, type PlannedEntry } from './run-intent.ts';
import { queuedPart, writeIdOf } from './write-status.ts';
import { answerOnceRecorded } from './idempotency.ts';
import type { LockClaim } from './locks.ts';
import { snapshotRecordKeys } from '../record-invalidation/snapshot-keys.ts';

export interface CustomerPayload {
  customerId: string;
  sync: SyncResult[];
  /** The intent's id (Query.writeStatus), when anything was written or queued. */
  writeId?: string | null;
}

/** `caller`: the subject of the token that asked, kept on the intent so only it can ask writeStatus. */
/** `idempotencyKey`: the request's key as stored, which keeps the write's answer once its intent is recorded. */
export async function updateCustomer(ctx: WriteContext, id: string, expectedVersion: string, input: CustomerInput, caller: string | null = null, idempotencyKey: string | null = null): Promise<CustomerPayload> {
  const contactId = decodeId('Customer', id);
  if (contactId === null) throw codedError('NOT_FOUND', 'No customer has this id.', { field: 'id' });
  assertVersionToken(expectedVersion);
  // Everything but the phone (whose default region is the stored country) is refused before any read.
  const { phone: _phone, ...readFree } = input;
  normalizeCustomerInput(readFree);

  return ctx.lock.run(`customer:${contactId}`, async (claim) => {
    const snapshot = await readCustomerSnapshot(ctx.adapters, contactId);
    if (!snapshot) throw codedError('NOT_FOUND', 'No customer has this id.', { field: 'id' });
    const patch = normalizeCustomerInput(input, snapshot.fields);
    try {
      assertVersion('customer', expectedVersion, snapshot.version, ['CRM', 'ERP', 'COMMERCE']);
    } catch (err) {
      // The stale version may come from a cached record (one changed behind our back): the client's next read must be fresh.
      void ctx.invalidation?.publish(snapshotRecordKeys(snapshot));
      const conflict = versionConflict(err);
      if (conflict) claim.stale(conflict.systems, conflict.currentVersion);
      throw err;
    }
    await assertNoPendingLead(ctx, contactId);
    const request = { ...snapshot, claim, expectedVersion, caller, idempotencyKey };
    const newEmail = patch.email && patch.email !== snapshot.fields.email?.toLowerCase() ? patch.email : null;
    // A new email is also locked, as createCustomer locks it, so two customers never end up sharing one.
    if (!newEmail) return write(ctx, id, request, patch);
    return ctx.lock.run(`email:${newEmail}`, async () => {
      await checkEmailIsFree(ctx, newEmail, contactId);
      return write(ctx, id, request, patch);
    }, { waitMs: ctx.lockWaitMs });
  }, { version: expectedVersion, waitMs: ctx.lockWaitMs });
}

interface CheckedWrite extends CustomerSnapshot {
  claim: LockClaim;
  expectedVersion: string;
  caller: string | null;
  idempotencyKey: string | null;
}

/**
 * A CRM write of ours to this customer that is still queued (its system did not answer in time) is
 * not in the version the client read, so no version can be checked against it until it lands.
 */
async function assertNoPendingLead(ctx: WriteContext, contactId: string): Promise<void> {
  if (await ctx.store.hasPending('CRM', `CRM:customer:${contactId}`)) {
    throw codedError('VERSION_CONFLICT', 'An earlier change to this customer is still being applied; nothing was written. Read it again once that change is applied and retry.', { systems: ['CRM'] });
  }
}

/** Plans, records and applies the update (the version is checked and the locks are held). */
async function write(ctx: WriteContext, id: string, snapshot: CheckedWrite, patch: CustomerPatch): Promise<CustomerPayload> {
  const { expectedVersion, claim, caller, idempotencyKey } = snapshot;
  const contactId = snapshot.contactId;
  const desired = applyPatch(snapshot.fields, patch);
  const fields = fieldsOf(patch);
  const plan = await planCustomerWrites(ctx, snapshot, desired, fields, { systems: ['CRM', 'ERP', 'COMMERCE'], expectedVersion });
  const unchanged = plan.unchanged.map((system) => syncResult(system, 'UNCHANGED', externalIdOf(snapshot, system)));
  if (plan.writes.length === 0) return { customerId: id, sync: unchanged.sort(bySystem), writeId: null };

  const { intent, entries } = await ctx.store.recordIntent(
    { kind: 'updateCustomer', subjectKey: `customer:${contactId}`, request: { id, fields, caller } },
    plan.writes.map((w) => w.write),
    answerOnceRecorded(idempotencyKey, (intentId): CustomerPayload => ({
      customerId: id,
      sync: [...plan.writes.map((w) => queuedPart(w.write.system, externalIdOf(snapshot, w.write.system))), ...unchanged].sort(bySystem),
      writeId: writeIdOf(intentId),
    })),
  );
  ctx.crash('after-intent');
  const planned: PlannedEntry[] = entries.map((entry, i) => ({ ...plan.writes[i], entry, lead: entry.system === 'CRM' }));
  const applied = await runIntent(ctx, intent.id, planned, (systems) => claim.commit(systems));
  return { customerId: id, sync: [...applied, ...unchanged].sort(bySystem), writeId: writeIdOf(intent.id) };
}

async function checkEmailIsFree(ctx: WriteContext, email: string, contactId: string): Promise<void> {
  const owner = await ctx.adapters.crm.findContactIdByEmail(email);
  if (owner !== null && owner !== contactId) {
    throw codedError('CONFLICT', 'Field "input.email" already belongs to another customer.', { field: 'input.email' });
  }
}
