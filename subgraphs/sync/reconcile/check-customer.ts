/**
 * Reconciles one customer, read with its page (fresh from the upstreams): the comparison
 * (customer-findings.ts), then the CRM's fields carried over where the CRM changed last (through
 * propagateCustomer: the mutations' lock, version checks and outbox) and the disagreements recorded.
 * A dry run reads and compares only.
 */
import pLimit from 'p-limit';
import type { MasterField } from '../../shared/change-feed.ts';
import type { CustomerField } from '../../shared/write-adapter.ts';
import type { WriteContext } from '../context.ts';
import { propagateCustomer } from '../writes/propagate-customer.ts';
import { readCustomerSnapshots, UNREADABLE, type CustomerSnapshot, type Linked } from '../writes/snapshot.ts';
import type { ReconcileReaders } from './readers.ts';
import type { FindingsRecord, WriteSystem } from '../store/types.ts';
import { failureCode } from '../failures.ts';
import { compareCustomer, CUSTOMER_KINDS, type LinkedSystem, type SystemSide } from './customer-findings.ts';

/** What checking one customer did, for the pass's counts. */
export interface CustomerCheck {
  /** Per system, 1 when a write was made or queued to bring it in step (or would be, in a dry run). */
  propagated: Partial<Record<LinkedSystem, number>>;
  /** Per system, the discrepancies found (open after this check). */
  found: Partial<Record<WriteSystem, number>>;
  /** Systems whose record could not be read now (the check is incomplete: read it again next pass). */
  failed: { system: WriteSystem; code: string }[];
  /** Systems that refused the write carrying the CRM's values, for good, with the refusal's code. */
  refused: { system: WriteSystem; code: string }[];
}

const LINKED: LinkedSystem[] = ['ERP', 'COMMERCE'];

/** A check, and its findings to record with the rest of its page (null in a dry run). */
interface CheckedCustomer {
  check: CustomerCheck;
  findings: FindingsRecord | null;
}

/** `snapshot` is the customer as read for this page (readCustomerSnapshots), null when the contact is gone. */
async function checkCustomer(
  ctx: WriteContext, contactId: string, snapshot: CustomerSnapshot | null, crmTimes: Record<MasterField, number> | undefined,
  emailCounts: EmailCounts, options: { dryRun: boolean; now: () => number },
): Promise<CheckedCustomer> {
  const check: CustomerCheck = { propagated: {}, found: {}, failed: [], refused: [] };
  const subjectKey = `customer:${contactId}`;
  if (!snapshot) {
    // Deleted in the CRM: nothing of it is in disagreement any more.
    return { check, findings: options.dryRun ? null : { subjectKey, scope: { kinds: CUSTOMER_KINDS, systems: ['CRM', ...LINKED] }, findings: [] } };
  }
  const sides: SystemSide[] = [];
  for (const system of LINKED) {
    const linked: Linked = system === 'ERP' ? snapshot.erp : snapshot.commerce;
    if (linked === UNREADABLE) {
      check.failed.push({ system, code: 'UPSTREAM_UNAVAILABLE' });
      continue;
    }
    const storedId = system === 'ERP' ? snapshot.links.erpPartnerId : snapshot.links.shopCustomerId;
    const emailMatches = linked?.linkedBy === 'EMAIL_MATCH' && snapshot.fields.email ? emailCounts[system].get(emailKey(snapshot.fields.email)) ?? 0 : null;
    sides.push({ system, record: linked, storedId: storedId || null, emailMatches });
  }
  const verdict = compareCustomer({
    contactId, version: snapshot.version, crm: snapshot.crm.canonical, crmEmail: snapshot.fields.email, crmCountryText: snapshot.fields.address?.countryText ?? null,
    crmTimes: crmTimes ?? { firstName: 0, lastName: 0, email: 0, phone: 0, address: 0 }, sides,
  });

  const findings = [...verdict.findings];
  // Systems whose record changed since the page was read: what is known of them is left as it was.
  const changedMeanwhile = new Set<LinkedSystem>();
  for (const [system, fields] of Object.entries(verdict.propagate) as [LinkedSystem, CustomerField[]][]) {
    if (options.dryRun) {
      check.propagated[system] = 1;
      continue;
    }
    const outcome = await propagate(ctx, contactId, system, [...new Set(fields)], snapshot.version);
    if (outcome === 'CHANGED') changedMeanwhile.add(system);
    else if (outcome === 'WRITTEN') check.propagated[system] = 1;
    else {
      // Refused for good: the difference stays, as a discrepancy, and the pass moves on.
      check.refused.push({ system, code: outcome.refused });
      findings.push(...verdict.unlessWritten.filter((f) => f.system === system));
    }
  }
  for (const f of findings) check.found[f.system] = (check.found[f.system] ?? 0) + 1;
  if (options.dryRun) return { check, findings: null };
  // The CRM's own findings (UNRECOGNISED_COUNTRY) rest on the contact as read, which is always complete.
  const systems: WriteSystem[] = ['CRM', ...sides.map((s) => s.system).filter((s) => !changedMeanwhile.has(s))];
  return { check, findings: { subjectKey, scope: { kinds: CUSTOMER_KINDS, systems }, findings: findings.filter((f) => systems.includes(f.system)) } };
}

/** Per linked system, how many of its records have each email (keyed by emailKey). */
type EmailCounts = Record<LinkedSystem, Map<string, number>>;

const emailKey = (email: string) => email.trim().toLowerCase();

/**
 * The counts of the emails the page's customers are linked by (not by a stored id), one batch per
 * system for the whole page: asked customer by customer, the shop's cost bucket paced the pass.
 */
async function countLinkingEmails(ctx: WriteContext, snapshots: Map<string, CustomerSnapshot>): Promise<EmailCounts> {
  const counted = await Promise.all(LINKED.map((system) => {
    const emails = [...snapshots.values()].flatMap((snapshot) => {
      const linked = system === 'ERP' ? snapshot.erp : snapshot.commerce;
      return linked !== UNREADABLE && linked?.linkedBy === 'EMAIL_MATCH' && snapshot.fields.email ? [snapshot.fields.email] : [];
    });
    const adapter = system === 'ERP' ? ctx.adapters.erp : ctx.adapters.commerce;
    return emails.length > 0 ? adapter.countByEmails(emails) : new Map<string, number>();
  }));
  return { ERP: counted[0], COMMERCE: counted[1] };
}

/**
 * Carries the CRM's fields to one system, only if neither side changed since the page was read (the
 * verdict rests on that read): WRITTEN (applied or queued), CHANGED (a version conflict: the change has
 * a newer change time, so a feed reads it again and a later check decides), or refused for good with
 * its code. A failed read throws (the caller holds the cursor).
 */
async function propagate(ctx: WriteContext, contactId: string, system: LinkedSystem, fields: CustomerField[], version: string): Promise<'WRITTEN' | 'CHANGED' | { refused: string }> {
  let result;
  try {
    result = await propagateCustomer(ctx, contactId, fields, { systems: [system], expectedVersion: version });
  } catch (err) {
    const code = failureCode(err);
    if (code === 'VERSION_CONFLICT') return 'CHANGED';
    // A value the system cannot take (e.g. a country the ERP does not know): permanent.
    if (code === 'BAD_USER_INPUT' || code === 'CONFLICT' || code === 'NOT_FOUND') return { refused: code };
    throw err;
  }
  const outcome = result?.sync.find((s) => s.system === system);
  if (!outcome || outcome.status === 'UNCHANGED') return 'CHANGED';
  return outcome.status === 'FAILED' ? { refused: 'UPSTREAM_ERROR' } : 'WRITTEN';
}

/** What checking one customer of a page came to: its check, or the error that stopped it. */
export type CheckOutcome = { check: CustomerCheck } | { error: unknown };

/**
 * Reads customers in one batch (their snapshots, the CRM's field change times, the counts of the
 * emails they are linked by) and checks each,
 * `concurrency` at a time, reporting each outcome as it comes; then records the findings of all of
 * them in one transaction (one disk sync a page, not one a customer). Returns the system of each
 * discrepancy closed because it is gone. A failed batch read throws.
 */
export async function checkCustomers(
  ctx: WriteContext, readers: ReconcileReaders, contactIds: string[],
  options: { dryRun: boolean; now: () => number; concurrency: number }, onChecked: (contactId: string, outcome: CheckOutcome) => void,
): Promise<WriteSystem[]> {
  const [times, snapshots] = await Promise.all([readers.crm.masterFieldTimes(contactIds), readCustomerSnapshots(ctx.adapters, contactIds)]);
  const emailCounts = await countLinkingEmails(ctx, snapshots);
  const toRecord: FindingsRecord[] = [];
  const bound = pLimit(options.concurrency);
  await Promise.all(contactIds.map((contactId) => bound(async () => {
    let outcome: CheckOutcome;
    try {
      const { check, findings } = await checkCustomer(ctx, contactId, snapshots.get(contactId) ?? null, times.get(contactId), emailCounts, options);
      if (findings) toRecord.push(findings);
      outcome = { check };
    } catch (error) {
      outcome = { error };
    }
    onChecked(contactId, outcome);
  })));
  return toRecord.length > 0 ? (await ctx.store.recordManyFindings(toRecord, options.now())).flat() : [];
}
