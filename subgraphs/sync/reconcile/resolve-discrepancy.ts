/**
 * resolveDiscrepancy: settles a FIELD_MISMATCH by a write through the mutations' own path, so the same
 * lock, version check and outbox apply. ACCEPT_SOURCE is an updateCustomer of the disagreeing
 * system's current value (the CRM takes it, the other system follows); KEEP_CANONICAL propagates the
 * CRM's value to the disagreeing system only. The version checked is the one the discrepancy was found at,
 * unless the caller gives a newer one: a customer changed since is refused (VERSION_CONFLICT).
 */
import { codedError } from '../../../schema/errors.ts';
import { decodeId, encodeId } from '../../shared/ids.ts';
import type { AddressFields, CustomerField } from '../../shared/write-adapter.ts';
import type { WriteContext } from '../context.ts';
import type { CustomerInput } from '../writes/input.ts';
import type { SyncResult } from '../writes/plan.ts';
import { propagateCustomer } from '../writes/propagate-customer.ts';
import { updateCustomer } from '../writes/update-customer.ts';
import { assertVersion, assertVersionToken } from '../writes/version-check.ts';
import { readCustomerSnapshot, UNREADABLE } from '../writes/snapshot.ts';
import type { Discrepancy } from '../store/types.ts';

export type ResolveAction = 'ACCEPT_SOURCE' | 'KEEP_CANONICAL';

/** The canonical fields each compared field writes. */
const FIELDS: Record<string, CustomerField[]> = {
  name: ['firstName', 'lastName'], firstName: ['firstName'], lastName: ['lastName'], email: ['email'], phone: ['phone'], address: ['address'],
};

export async function resolveDiscrepancy(
  ctx: WriteContext, id: string, action: ResolveAction, expectedVersion: string | null, now: () => number,
): Promise<{ discrepancy: Discrepancy; sync: SyncResult[] }> {
  const seq = Number(decodeId('Discrepancy', id));
  const found = Number.isSafeInteger(seq) ? await ctx.store.discrepancy(seq) : null;
  if (!found) throw codedError('NOT_FOUND', 'No discrepancy has this id.', { field: 'id' });
  // Resolved already (by an earlier call or because it is gone): nothing to write.
  if (found.resolvedAt !== null) return { discrepancy: found, sync: [] };
  const fields = FIELDS[found.field];
  if (found.kind !== 'FIELD_MISMATCH' || !fields || found.contactId === null || found.system === 'CRM') {
    throw codedError('BAD_USER_INPUT', `A ${found.kind} discrepancy is not resolved by a write: fix it at the source and the next reconciliation pass closes it.`, { field: 'id' });
  }
  if (expectedVersion !== null) assertVersionToken(expectedVersion);
  const version = expectedVersion ?? (found.detail as { version: string }).version;

  let sync: SyncResult[];
  if (action === 'KEEP_CANONICAL') {
    // Contention as for updateCustomer (which ACCEPT_SOURCE goes through): a version another write
    // has committed to is refused at once, and this write, once it writes, supersedes its version.
    const lockKey = `customer:${found.contactId}`;
    ctx.lock.refuseSuperseded(lockKey, version);
    const result = await propagateCustomer(ctx, found.contactId, fields, { systems: [found.system], expectedVersion: version });
    if (!result) throw codedError('NOT_FOUND', 'The customer of this discrepancy no longer exists.', { field: 'id' });
    sync = result.sync;
    const written = sync.filter((s) => s.status === 'APPLIED' || s.status === 'PENDING').map((s) => s.system);
    if (written.length > 0) ctx.lock.supersede(lockKey, version, written);
  } else {
    const input = await acceptedInput(ctx, found, version);
    sync = (await updateCustomer(ctx, encodeId('Customer', found.contactId), version, input)).sync;
  }
  // Resolved once every write has landed; a write still queued (a system is down) or refused leaves it
  // open, and the pass after the write lands closes it as GONE.
  if (sync.every((s) => s.status === 'APPLIED' || s.status === 'UNCHANGED')) await ctx.store.resolveDiscrepancy(seq, action, now());
  return { discrepancy: (await ctx.store.discrepancy(seq))!, sync };
}

/**
 * The updateCustomer input that takes the source's value as it is now (read fresh, at the version the
 * write is checked against, so the value and the check belong together). Address parts the comparison
 * always looks at are taken as they are, empty ones included; line2 and region only where the source has one.
 */
async function acceptedInput(ctx: WriteContext, d: Discrepancy, version: string): Promise<CustomerInput> {
  if (d.field === 'name') {
    throw codedError('BAD_USER_INPUT', 'The ERP keeps one display name, which cannot be split into first and last name: set them with updateCustomer, or use KEEP_CANONICAL.', { field: 'action' });
  }
  const snapshot = await readCustomerSnapshot(ctx.adapters, d.contactId!);
  if (!snapshot) throw codedError('NOT_FOUND', 'The customer of this discrepancy no longer exists.', { field: 'id' });
  assertVersion('customer', version, snapshot.version, ['CRM', 'ERP', 'COMMERCE']);
  const source = d.system === 'ERP' ? snapshot.erp : snapshot.commerce;
  if (source === UNREADABLE) throw codedError('UPSTREAM_UNAVAILABLE', `The ${d.system} record cannot be read now to take its value; retry when it is back.`, { systems: [d.system] });
  if (source === null) throw codedError('NOT_FOUND', `The ${d.system} record of this discrepancy no longer exists.`, { field: 'id' });
  const view = source.canonical;
  if (d.field === 'address') {
    const a: Partial<AddressFields> = view.address ?? {};
    return { address: { line1: a.line1 ?? null, city: a.city ?? null, postalCode: a.postalCode ?? null, country: a.country ?? null,
      ...(a.line2 ? { line2: a.line2 } : {}), ...(a.region ? { region: a.region } : {}) } };
  }
  return { [d.field]: view[d.field as 'email' | 'phone' | 'firstName' | 'lastName'] ?? null } as CustomerInput;
}
