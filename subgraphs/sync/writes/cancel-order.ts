/**
 * cancelOrder: check the order's version (shop order and ERP sales order), then cancel in the shop
 * (the lead) and the ERP. An order already cancelled somewhere is UNCHANGED there.
 */
import { codedError } from '../../../schema/errors.ts';
import { decodeId } from '../../shared/ids.ts';
import { decodeVersion, encodeVersion, UNAVAILABLE_MARKER } from '../../shared/version.ts';
import { assertVersion, versionConflict, assertVersionToken } from './version-check.ts';
import type { OrderRecord } from '../../shared/write-adapter.ts';
import type { WriteContext } from '../context.ts';
import { isTransient } from './snapshot.ts';
import { bySystem, syncResult, type SyncResult } from './plan.ts';
import type { PlannedWrite } from '../store/types.ts';
import { runIntent, type PlannedEntry } from './run-intent.ts';
import { queuedPart, writeIdOf } from './write-status.ts';
import { answerOnceRecorded } from './idempotency.ts';
import type { Operation } from './operations.ts';
import { erpSaleOrderKey } from '../../shared/record-cache/record-keys.ts';

export interface OrderPayload {
  orderId: string;
  sync: SyncResult[];
  /** The intent's id (Query.writeStatus), when anything was written or queued. */
  writeId?: string | null;
}

/** `caller`: the subject of the token that asked, kept on the intent so only it can ask writeStatus. */
/** `idempotencyKey`: the request's key as stored, which keeps the write's answer once its intent is recorded. */
export async function cancelOrder(ctx: WriteContext, id: string, expectedVersion: string, reason: string | null, caller: string | null = null, idempotencyKey: string | null = null): Promise<OrderPayload> {
  const shopOrderId = decodeId('Order', id);
  if (shopOrderId === null) throw codedError('NOT_FOUND', 'No order has this id.', { field: 'id' });
  assertVersionToken(expectedVersion);

  return ctx.lock.run(`order:${shopOrderId}`, async (claim) => {
    const order = await ctx.adapters.commerce.readOrder(shopOrderId);
    if (!order) throw codedError('NOT_FOUND', 'No order has this id.', { field: 'id' });
    const sale = await readSale(ctx, order.number);
    const current = encodeVersion({ COMMERCE: order.marker, ERP: sale === 'unreadable' ? UNAVAILABLE_MARKER : sale?.marker ?? null });
    try {
      assertVersion('order', expectedVersion, current, ['COMMERCE', 'ERP']);
    } catch (err) {
      // The stale version may come from a cached sales order (one Odoo changed): the client's next read must be fresh.
      void ctx.invalidation?.publish([erpSaleOrderKey(order.number)]);
      const conflict = versionConflict(err);
      if (conflict) claim.stale(conflict.systems, conflict.currentVersion);
      throw err;
    }

    const writes: PlannedWrite[] = [];
    const unchanged: SyncResult[] = [];
    if (order.cancelled) unchanged.push(syncResult('COMMERCE', 'UNCHANGED', order.externalId));
    else writes.push({ system: 'COMMERCE', recordKey: `COMMERCE:order:${shopOrderId}`, operation: { type: 'cancelShopOrder', shopOrderId, reason } satisfies Operation });
    if (sale !== null && (sale === 'unreadable' || !sale.cancelled)) {
      const operation: Operation = {
        type: 'cancelSaleOrder', orderNumber: order.number, afterLead: !order.cancelled,
        // Applied later only to the sales order the client saw (see operations.ts).
        ...(sale === 'unreadable' && { expectedMarkerHash: decodeVersion(expectedVersion)?.ERP }),
      };
      writes.push({ system: 'ERP', recordKey: `ERP:order:${order.number}`, operation });
    } else if (sale) unchanged.push(syncResult('ERP', 'UNCHANGED', sale.externalId));
    if (writes.length === 0) return { orderId: id, sync: unchanged, writeId: null };

    const answer = answerOnceRecorded(idempotencyKey, (intentId): OrderPayload => ({
      orderId: id, sync: [...writes.map((w) => queuedPart(w.system, w.system === 'COMMERCE' ? order.externalId : sale && sale !== 'unreadable' ? sale.externalId : null)), ...unchanged].sort(bySystem), writeId: writeIdOf(intentId),
    }));
    const { intent, entries } = await ctx.store.recordIntent({ kind: 'cancelOrder', subjectKey: `order:${shopOrderId}`, request: { id, reason, caller } }, writes, answer);
    ctx.crash('after-intent');
    const planned: PlannedEntry[] = await Promise.all(entries.map(async (entry) => ({ entry, lead: entry.system === 'COMMERCE', queued: await ctx.store.hasPending(entry.system, entry.recordKey, entry.seq) })));
    const applied = await runIntent(ctx, intent.id, planned, (systems) => claim.commit(systems));
    return { orderId: id, sync: [...applied, ...unchanged].sort(bySystem), writeId: writeIdOf(intent.id) };
  }, { version: expectedVersion, waitMs: ctx.lockWaitMs });
}

async function readSale(ctx: WriteContext, orderNumber: string): Promise<OrderRecord | null | 'unreadable'> {
  try {
    return await ctx.adapters.erp.readSaleOrder(orderNumber);
  } catch (err) {
    if (isTransient(err)) return 'unreadable';
    throw err;
  }
}
