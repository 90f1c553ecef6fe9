/**
 * The writes the outbox holds, as JSON, and the one function that applies an entry — used for the
 * first attempt inside the request and for every retry and recovery by the worker, so both paths
 * behave the same. Applying is safe to repeat: an update re-reads the record and writes only what
 * still differs; a create adopts the record its earlier attempt made (the upstream's own duplicate
 * answer, or a search by email); a cancel skips a cancelled order.
 */
import { codedError } from '../../../schema/errors.ts';
import { markerHash } from '../../shared/version.ts';
import type { CustomerLinks } from '../../shared/sources.ts';
import type { CustomerField, CustomerFields, SystemRecord } from '../../shared/write-adapter.ts';
import type { OutboxEntry, SyncStore } from '../store/types.ts';
import type { Adapters } from '../adapters.ts';
import { changedValues } from './plan.ts';
import { emailTaken, isUnfinishedCreate } from './unfinished-create.ts';

export type CustomerSystem = 'CRM' | 'ERP' | 'COMMERCE';

export type Operation =
  /** Write the named canonical fields of `desired` to the customer's record in `system`, found through `links`. */
  | { type: 'updateCustomer'; system: CustomerSystem; links: CustomerLinks; desired: CustomerFields; fields: CustomerField[]; afterLead: boolean;
      /** Set when the record could not be read at request time: apply only if its marker still hashes to this. */
      expectedMarkerHash?: string }
  /** Create the CRM contact. */
  | { type: 'createContact'; desired: CustomerFields }
  /** Create the customer's record in the ERP or the shop and store its id on the CRM contact. */
  | { type: 'createLinked'; system: 'ERP' | 'COMMERCE'; desired: CustomerFields }
  | { type: 'cancelShopOrder'; shopOrderId: string; reason: string | null }
  /** Cancel the ERP sales order; follows the shop's cancellation when the shop is written too. */
  | { type: 'cancelSaleOrder'; orderNumber: string; afterLead: boolean; expectedMarkerHash?: string };

/** What an applied entry reports back (stored as the entry's result). */
export interface AppliedResult {
  externalId: string;
  /** False when the system already held the values: nothing was written. */
  wrote: boolean;
}

export interface ApplyContext {
  adapters: Adapters;
  store: SyncStore;
  /** The record as read by the request that planned this write, to save a re-read on the first attempt. */
  freshRecord?: SystemRecord | null;
}

export async function applyEntry(entry: OutboxEntry, ctx: ApplyContext): Promise<AppliedResult> {
  const op = entry.operation as Operation;
  switch (op.type) {
    case 'updateCustomer': {
      if (op.afterLead) await leadResult(entry, ctx.store);
      const adapter = op.system === 'CRM' ? ctx.adapters.crm : op.system === 'ERP' ? ctx.adapters.erp : ctx.adapters.commerce;
      const record = ctx.freshRecord ?? await adapter.read(op.links);
      // The client's version said there was no record here, and there still is none: nothing to write.
      if (!record && op.expectedMarkerHash === NO_RECORD) return { externalId: '', wrote: false };
      if (!record) throw codedError('NOT_FOUND', `The ${op.system} record linked to this customer no longer exists.`);
      assertMarker(op.expectedMarkerHash, record.marker, op.system);
      const changes = changedValues(record.values, await adapter.project(op.desired, op.fields));
      if (Object.keys(changes).length > 0) await adapter.update(record.externalId, changes);
      return { externalId: record.externalId, wrote: Object.keys(changes).length > 0 };
    }
    case 'createContact': {
      // HubSpot keeps emails unique, so this POST never makes a second contact; its 409 names the one
      // that has the email, at once (its search may not list a contact created seconds ago). That is
      // this create's own earlier attempt (answer lost, or the process died before recording it) when
      // it holds exactly these values and is not linked yet: adopt it; else it is another customer's.
      const { contactId, created } = await ctx.adapters.crm.createContact(op.desired);
      if (!created && !await isUnfinishedCreate(ctx.adapters.crm, contactId, op.desired)) throw emailTaken();
      return { externalId: contactId, wrote: true };
    }
    case 'createLinked': {
      const contactId = (await leadResult(entry, ctx.store)).externalId;
      const adapter = op.system === 'ERP' ? ctx.adapters.erp : ctx.adapters.commerce;
      // The contact as it is now: an update accepted while this create waited must not be lost.
      const contact = await ctx.adapters.crm.readContact(contactId);
      const externalId = await adapter.create(contact?.fields ?? op.desired);
      await ctx.adapters.crm.storeLinks(contactId, op.system === 'ERP' ? { erpPartnerId: externalId } : { shopCustomerId: externalId });
      return { externalId, wrote: true };
    }
    case 'cancelShopOrder': {
      const order = await ctx.adapters.commerce.readOrder(op.shopOrderId);
      if (!order) throw codedError('NOT_FOUND', 'The shop order no longer exists.');
      if (!order.cancelled) await ctx.adapters.commerce.cancelOrder(order.externalId, op.reason);
      return { externalId: order.externalId, wrote: !order.cancelled };
    }
    case 'cancelSaleOrder': {
      if (op.afterLead) await leadResult(entry, ctx.store);
      const sale = await ctx.adapters.erp.readSaleOrder(op.orderNumber);
      if (!sale && op.expectedMarkerHash === NO_RECORD) return { externalId: '', wrote: false };
      if (!sale) throw codedError('NOT_FOUND', 'The ERP sales order no longer exists.');
      assertMarker(op.expectedMarkerHash, sale.marker, 'ERP');
      if (!sale.cancelled) await ctx.adapters.erp.cancelSaleOrder(sale.externalId);
      return { externalId: sale.externalId, wrote: !sale.cancelled };
    }
  }
}

/**
 * After a transient failure (a timeout, a 502): did the write land anyway? The answer when the system
 * already holds what the entry would write, null when it does not, and a throw when that cannot be told.
 */
export async function landedAnyway(entry: OutboxEntry, ctx: ApplyContext): Promise<AppliedResult | null> {
  const op = entry.operation as Operation;
  switch (op.type) {
    case 'updateCustomer': {
      const adapter = op.system === 'CRM' ? ctx.adapters.crm : op.system === 'ERP' ? ctx.adapters.erp : ctx.adapters.commerce;
      const record = await adapter.read(op.links);
      if (!record) return null;
      const pending = changedValues(record.values, await adapter.project(op.desired, op.fields));
      return Object.keys(pending).length === 0 ? { externalId: record.externalId, wrote: true } : null;
    }
    case 'createContact': {
      const id = await ctx.adapters.crm.findContactIdByEmail(op.desired.email ?? '');
      return id ? { externalId: id, wrote: true } : null;
    }
    case 'cancelShopOrder': {
      const order = await ctx.adapters.commerce.readOrder(op.shopOrderId);
      return order?.cancelled ? { externalId: order.externalId, wrote: true } : null;
    }
    default:
      return null;
  }
}

/** The hash a version token holds for "no record in this system". */
const NO_RECORD = markerHash(null);

/** A deferred write whose system could not be read at request time applies only to the record the client saw. */
function assertMarker(expectedHash: string | undefined, marker: string, system: string): void {
  if (expectedHash !== undefined && markerHash(marker) !== expectedHash) {
    throw codedError('VERSION_CONFLICT', `The ${system} record changed after the change was accepted; it was not overwritten.`);
  }
}

/**
 * The intent's first entry is its lead (the CRM for a customer, the shop for an order); the others
 * follow it: while it is pending they wait (a transient error, retried), and if it was refused they
 * are refused too, so no system is changed when the system of record said no.
 */
async function leadResult(entry: OutboxEntry, store: SyncStore): Promise<AppliedResult> {
  const [lead] = await store.intentEntries(entry.intentId);
  if (!lead || lead.id === entry.id) throw codedError('INTERNAL_SERVER_ERROR', 'This write has no lead write to follow.');
  if (lead.status === 'APPLIED') return lead.result as AppliedResult;
  if (lead.status === 'PENDING') throw codedError('UPSTREAM_UNAVAILABLE', `Waiting for the ${lead.system} write of the same change.`);
  throw codedError('CONFLICT', `The ${lead.system} refused this change, so it is not written here either.`);
}

