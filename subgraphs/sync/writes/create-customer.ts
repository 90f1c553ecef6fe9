/**
 * createCustomer: the contact in the CRM first, then the partner in the ERP and the customer in the
 * shop, each id stored back on the contact so the read path links them by STORED_ID.
 *
 * A create whose answer was lost (a timeout, a crash) is finished, not repeated: sent again, it finds
 * the contact it made (HubSpot's 409 names it even while its search lags; unfinished-create.ts says
 * whether it is this create's), and the followers adopt the partner and shop customer the same way.
 * When the CRM's answer is lost within the request, the create is queued and answered WRITE_PENDING
 * (createdCustomer): the customer's id is not known until the outbox has the contact.
 */
import { createHash } from 'node:crypto';
import { codedError } from '../../../schema/errors.ts';
import { encodeId } from '../../shared/ids.ts';
import type { CustomerFields } from '../../shared/write-adapter.ts';
import type { WriteContext } from '../context.ts';
import { applyPatch, normalizeCustomerInput, type CustomerInput } from './input.ts';
import { runIntent } from './run-intent.ts';
import { emailTaken, isUnfinishedCreate } from './unfinished-create.ts';
import type { Operation } from './operations.ts';
import type { CustomerPayload } from './update-customer.ts';
import type { SyncStore } from '../store/types.ts';
import { currentSync, writeIdOf } from './write-status.ts';

/** A create's answer as stored under its idempotency key: `customerId` null while the CRM's answer is unknown. */
export type CreatePayload = Omit<CustomerPayload, 'customerId'> & { customerId: string | null };

const NO_FIELDS: CustomerFields = { firstName: null, lastName: null, company: null, email: null, phone: null, address: null, lifecycleStage: null };

/** `caller`: the subject of the token that asked, kept on the intent so only it can ask writeStatus. */
export async function createCustomer(ctx: WriteContext, input: CustomerInput & { email: string }, caller: string | null = null): Promise<CreatePayload> {
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
    const { intent, entries } = await ctx.store.recordIntent({ kind: 'createCustomer', subjectKey: `create:${emailHash}`, request: { fields: Object.keys(input), caller } }, writes);
    ctx.crash('after-intent');
    const sync = await runIntent(withCrashAfterCrmCreate(ctx), intent.id, entries.map((entry) => ({ entry, queued: false, lead: entry.system === 'CRM' })));
    // No id when the CRM's answer was lost: its part is PENDING for the outbox (run-intent.ts).
    const contactId = sync.find((r) => r.system === 'CRM')?.externalId ?? null;
    return { customerId: contactId === null ? null : encodeId('Customer', contactId), sync, writeId: writeIdOf(intent.id) };
  });
}

/**
 * The answer to a create, first or replayed: the customer once its contact's id is known. Until the
 * outbox has made or found the contact, WRITE_PENDING with the write's id (Query.writeStatus); a key
 * replayed after that gets the created customer with its parts as they stand now.
 */
export async function createdCustomer(store: SyncStore, payload: CreatePayload): Promise<CustomerPayload> {
  if (payload.customerId !== null) return { ...payload, customerId: payload.customerId };
  const crm = (await currentSync(store, payload.writeId, payload.sync)).find((r) => r.system === 'CRM');
  if (crm?.status === 'APPLIED' && crm.externalId) return { ...payload, customerId: encodeId('Customer', crm.externalId) };
  if (crm?.status === 'FAILED') throw codedError('UPSTREAM_ERROR', 'The CRM refused the queued create: the customer was not created.', { system: 'CRM' });
  throw codedError('WRITE_PENDING', "The create was accepted and is queued: the CRM's answer was lost, so the customer's id is not known yet. Ask writeStatus about extensions.writeId, or retry with the same idempotency key.", { writeId: payload.writeId });
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
