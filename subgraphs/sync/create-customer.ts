/**
 * createCustomer: the contact in the CRM first, then the partner in the ERP and the customer in the
 * shop, each id stored back on the contact so the read path links them by STORED_ID.
 *
 * A create whose answer was lost (a timeout, a crash) is finished, not repeated: sent again, it finds
 * the contact it made (HubSpot's 409 names it even while its search lags; unfinished-create.ts says
 * whether it is this create's), and the followers adopt the partner and shop customer the same way.
 */
import { createHash } from 'node:crypto';
import { encodeId } from '../shared/ids.ts';
import type { CustomerFields } from '../shared/write-adapter.ts';
import type { WriteContext } from './context.ts';
import { applyPatch, normalizeCustomerInput, type CustomerInput } from './input.ts';
import { runIntent } from './run-intent.ts';
import { emailTaken, isUnfinishedCreate } from './unfinished-create.ts';
import type { Operation } from './operations.ts';
import type { CustomerPayload } from './update-customer.ts';

const NO_FIELDS: CustomerFields = { firstName: null, lastName: null, company: null, email: null, phone: null, address: null, lifecycleStage: null };

export async function createCustomer(ctx: WriteContext, input: CustomerInput & { email: string }): Promise<CustomerPayload> {
  const desired = applyPatch(NO_FIELDS, normalizeCustomerInput(input));
  const email = desired.email!;
  return ctx.lock.run(`email:${email}`, async () => {
    const existing = await ctx.adapters.crm.findContactIdByEmail(email);
    if (existing && !await isUnfinishedCreate(ctx.adapters.crm, existing, desired)) throw emailTaken();
    // Keys outlive the request in the database: they name the email by its hash, not in clear.
    const emailHash = createHash('sha256').update(email).digest('hex').slice(0, 16);
    const key = (system: string) => `${system}:create:${emailHash}`;
    const writes: { system: 'CRM' | 'ERP' | 'COMMERCE'; recordKey: string; operation: Operation }[] = [
      { system: 'CRM', recordKey: key('CRM'), operation: { type: 'createContact', desired } },
      { system: 'ERP', recordKey: key('ERP'), operation: { type: 'createLinked', system: 'ERP', desired } },
      { system: 'COMMERCE', recordKey: key('COMMERCE'), operation: { type: 'createLinked', system: 'COMMERCE', desired } },
    ];
    const { intent, entries } = ctx.store.recordIntent({ kind: 'createCustomer', subjectKey: `create:${emailHash}`, request: { fields: Object.keys(input) } }, writes);
    ctx.crash('after-intent');
    const sync = await runIntent(withCrashAfterCrmCreate(ctx), intent.id, entries.map((entry) => ({ entry, queued: false, lead: entry.system === 'CRM' })));
    const contactId = sync.find((r) => r.system === 'CRM')!.externalId!;
    return { customerId: encodeId('Customer', contactId), sync };
  });
}

/** The test hook `after-crm-create`: the process dies once HubSpot has made the contact, before its id is recorded. */
function withCrashAfterCrmCreate(ctx: WriteContext): WriteContext {
  const crm = ctx.adapters.crm;
  const createContact: typeof crm.createContact = async (desired) => {
    const answer = await crm.createContact(desired);
    ctx.crash('after-crm-create');
    return answer;
  };
  return { ...ctx, adapters: { ...ctx.adapters, crm: { ...crm, createContact } } };
}
