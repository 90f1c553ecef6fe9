/**
 * propagateCustomer: carries the CRM contact's master fields (name, email, phone, address; by default all,
 * or those a change touched) to the
 * linked ERP partner and shop customer, after someone changed the contact in HubSpot itself. The CRM
 * is the system of record and is not written. Same path as updateCustomer: the per-customer lock, a
 * fresh snapshot, per-system diffs (systems already equal are not written), an intent, run-intent.ts
 * and the outbox for what cannot be written now.
 */
import type { CustomerField } from '../../shared/write-adapter.ts';
import type { WriteContext } from '../context.ts';
import { bySystem, syncResult, type SyncResult } from './plan.ts';
import { externalIdOf, planCustomerWrites } from './plan-customer-writes.ts';
import { readCustomerSnapshot } from './snapshot.ts';
import { runIntent, type PlannedEntry } from './run-intent.ts';
import { assertVersion } from './version-check.ts';

/** The fields the CRM is master of. Company and lifecycle stage stay the CRM's own. */
export const MASTER_FIELDS: CustomerField[] = ['firstName', 'lastName', 'email', 'phone', 'address'];

export interface PropagateOptions {
  /** The systems to bring in step (default both ERP and shop). */
  systems?: ('ERP' | 'COMMERCE')[];
  /**
   * Refuse with VERSION_CONFLICT unless the CRM record and these systems' records still have this
   * version; a write queued for a system that cannot be read now is applied only if its record still does.
   */
  expectedVersion?: string;
}

export interface PropagationResult {
  contactId: string;
  /** Per ERP and shop (when linked): APPLIED, UNCHANGED, PENDING (left to the outbox) or FAILED. */
  sync: SyncResult[];
}

/**
 * Null when the contact no longer exists. Throws UPSTREAM_UNAVAILABLE when the CRM cannot be read
 * (the caller retries); the ERP or shop being down leaves their part PENDING in the outbox instead.
 */
export async function propagateCustomer(ctx: WriteContext, contactId: string, fields: CustomerField[] = MASTER_FIELDS, options: PropagateOptions = {}): Promise<PropagationResult | null> {
  return ctx.lock.run(`customer:${contactId}`, async () => {
    const snapshot = await readCustomerSnapshot(ctx.adapters, contactId);
    if (!snapshot) return null;
    const systems = options.systems ?? ['ERP', 'COMMERCE'];
    if (options.expectedVersion) assertVersion('customer', options.expectedVersion, snapshot.version, ['CRM', ...systems]);
    // Without an expectedVersion, a write queued for a system that is down applies the CRM's values
    // (as read just now) whenever it goes out; with one, only if that record still has its marker then.
    const plan = await planCustomerWrites(ctx, snapshot, snapshot.fields, fields, { systems, expectedVersion: options.expectedVersion ?? null });
    const unchanged = plan.unchanged.map((system) => syncResult(system, 'UNCHANGED', externalIdOf(snapshot, system)));
    if (plan.writes.length === 0) return { contactId, sync: unchanged.sort(bySystem) };

    // IntentKind has no value of its own for this (the intents table's CHECK lists the three
    // mutations); the request says where the change came from.
    const { intent, entries } = await ctx.store.recordIntent(
      { kind: 'updateCustomer', subjectKey: `customer:${contactId}`, request: { propagatedFrom: 'CRM', contactId, fields } },
      plan.writes.map((w) => w.write),
    );
    const planned: PlannedEntry[] = entries.map((entry, i) => ({ ...plan.writes[i], entry, lead: false }));
    const applied = await runIntent(ctx, intent.id, planned);
    return { contactId, sync: [...applied, ...unchanged].sort(bySystem) };
  });
}
