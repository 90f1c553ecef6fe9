/**
 * resolveDiscrepancy: settles a FIELD_MISMATCH by a write through the mutations' own path, so the same
 * lock, version check and outbox apply. ACCEPT_SOURCE is an updateCustomer of the disagreeing
 * system's value (the CRM takes it, the other system follows); KEEP_CANONICAL propagates the CRM's
 * value to the disagreeing system only. The version checked is the one the discrepancy was found at,
 * unless the caller gives a newer one: a customer changed since is refused (VERSION_CONFLICT).
 */
import { codedError } from '../../../schema/errors.ts';
import { decodeId, encodeId } from '../../shared/ids.ts';
import type { AddressFields, CustomerField } from '../../shared/write-adapter.ts';
import type { WriteContext } from '../context.ts';
import type { CustomerInput } from '../input.ts';
import type { SyncResult } from '../plan.ts';
import { propagateCustomer } from '../propagate-customer.ts';
import { updateCustomer } from '../update-customer.ts';
import { assertVersionToken } from '../version-check.ts';
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
  const found = Number.isSafeInteger(seq) ? ctx.store.discrepancy(seq) : null;
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
    const result = await propagateCustomer(ctx, found.contactId, fields, { systems: [found.system], expectedVersion: version });
    if (!result) throw codedError('NOT_FOUND', 'The customer of this discrepancy no longer exists.', { field: 'id' });
    sync = result.sync;
  } else {
    const input = acceptedInput(found);
    sync = (await updateCustomer(ctx, encodeId('Customer', found.contactId), version, input)).sync;
  }
  if (!sync.some((s) => s.status === 'FAILED')) ctx.store.resolveDiscrepancy(seq, action, now());
  return { discrepancy: ctx.store.discrepancy(seq)!, sync };
}

/** The updateCustomer input that takes the source's value; address parts the source does not hold keep the CRM's. */
function acceptedInput(d: Discrepancy): CustomerInput {
  const value = (d.detail as { sourceCanonical?: unknown }).sourceCanonical ?? null;
  if (d.field === 'name') {
    throw codedError('BAD_USER_INPUT', 'The ERP keeps one display name, which cannot be split into first and last name: set them with updateCustomer, or use KEEP_CANONICAL.', { field: 'action' });
  }
  if (d.field === 'address') {
    const parts = Object.entries((value ?? {}) as Partial<AddressFields>).filter(([, part]) => part !== null && part !== '');
    return { address: Object.fromEntries(parts) };
  }
  return { [d.field]: value } as CustomerInput;
}
