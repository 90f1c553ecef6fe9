/**
 * Reconciles one customer, read with its page (fresh from the upstreams): the comparison
 * (customer-findings.ts), then the CRM's fields carried over where the CRM changed last (through
 * propagateCustomer: the mutations' lock, version checks and outbox) and the disagreements recorded.
 * A dry run reads and compares only.
 */
import type { MasterField } from '../../shared/change-feed.ts';
import type { CustomerField, CustomerWriteAdapter } from '../../shared/write-adapter.ts';
import type { WriteContext } from '../context.ts';
import { propagateCustomer } from '../propagate-customer.ts';
import { UNREADABLE, type CustomerSnapshot, type Linked } from '../snapshot.ts';
import type { WriteSystem } from '../store/types.ts';
import { failureCode } from '../failures.ts';
import { compareCustomer, CUSTOMER_KINDS, type LinkedSystem, type SystemSide } from './customer-findings.ts';

/** What checking one customer did, for the pass's counts. */
export interface CustomerCheck {
  /** Per system, 1 when a write was made or queued to bring it in step (or would be, in a dry run). */
  propagated: Partial<Record<LinkedSystem, number>>;
  /** Per system, the discrepancies found (open after this check). */
  found: Partial<Record<WriteSystem, number>>;
  /** The system of each discrepancy of this customer closed because it is gone. */
  resolved: WriteSystem[];
  /** Systems whose record could not be read now (the check is incomplete: read it again next pass). */
  failed: { system: WriteSystem; code: string }[];
  /** Systems that refused the write carrying the CRM's values (for good; the outbox entry says why). */
  refused: WriteSystem[];
}

const LINKED: LinkedSystem[] = ['ERP', 'COMMERCE'];

/** `snapshot` is the customer as read for this page (readCustomerSnapshots), null when the contact is gone. */
export async function checkCustomer(
  ctx: WriteContext, contactId: string, snapshot: CustomerSnapshot | null, crmTimes: Record<MasterField, number> | undefined,
  options: { dryRun: boolean; now: () => number },
): Promise<CustomerCheck> {
  const check: CustomerCheck = { propagated: {}, found: {}, resolved: [], failed: [], refused: [] };
  const subject = `customer:${contactId}`;
  if (!snapshot) {
    // Deleted in the CRM: nothing of it is in disagreement any more.
    if (!options.dryRun) check.resolved = ctx.store.recordFindings(subject, { kinds: CUSTOMER_KINDS, systems: ['CRM', ...LINKED] }, [], options.now()).resolved;
    return check;
  }
  const sides: SystemSide[] = [];
  for (const system of LINKED) {
    const linked: Linked = system === 'ERP' ? snapshot.erp : snapshot.commerce;
    if (linked === UNREADABLE) {
      check.failed.push({ system, code: 'UPSTREAM_UNAVAILABLE' });
      continue;
    }
    const storedId = system === 'ERP' ? snapshot.links.erpPartnerId : snapshot.links.shopCustomerId;
    const adapter = system === 'ERP' ? ctx.adapters.erp : ctx.adapters.commerce;
    const emailMatches = linked?.linkedBy === 'EMAIL_MATCH' && snapshot.fields.email ? await countByEmail(adapter, snapshot.fields.email) : null;
    sides.push({ system, record: linked, storedId: storedId || null, emailMatches });
  }
  const verdict = compareCustomer({
    contactId, version: snapshot.version, crm: snapshot.crm.canonical, crmEmail: snapshot.fields.email,
    crmTimes: crmTimes ?? { firstName: 0, lastName: 0, email: 0, phone: 0, address: 0 }, sides,
  });
  for (const f of verdict.findings) check.found[f.system] = (check.found[f.system] ?? 0) + 1;

  for (const [system, fields] of Object.entries(verdict.propagate) as [LinkedSystem, CustomerField[]][]) {
    if (options.dryRun) {
      check.propagated[system] = 1;
      continue;
    }
    // Only if neither side changed since this page was read: the verdict rests on that read.
    let result;
    try {
      result = await propagateCustomer(ctx, contactId, [...new Set(fields)], { systems: [system], expectedVersion: snapshot.version });
    } catch (err) {
      // Changed meanwhile: the change has a newer change time, so a feed reads it again and a later check decides.
      if (failureCode(err) === 'VERSION_CONFLICT') continue;
      throw err;
    }
    const outcome = result?.sync.find((s) => s.system === system);
    if (outcome?.status === 'APPLIED' || outcome?.status === 'PENDING') check.propagated[system] = 1;
    // A refusal is for good (recorded with its code by the write path): not a reason to read the page again.
    if (outcome?.status === 'FAILED') check.refused.push(system);
  }
  if (!options.dryRun) {
    const scope = { kinds: CUSTOMER_KINDS, systems: sides.map((s) => s.system) };
    check.resolved = ctx.store.recordFindings(subject, scope, verdict.findings, options.now()).resolved;
  }
  return check;
}

async function countByEmail(adapter: CustomerWriteAdapter, email: string): Promise<number | null> {
  return adapter.countByEmail ? adapter.countByEmail(email) : null;
}
