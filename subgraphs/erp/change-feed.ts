/**
 * The ERP's change feeds (the contract is ../shared/change-feed.ts): active partners and sales orders
 * changed at or after a time, oldest first, with search_read on `write_date`, ordered
 * 'write_date asc, id asc', 200 a page.
 *
 * Odoo stamps write_date to the second (naive UTC), so `since` is floored to its second: records
 * changed up to 999 ms before `since` come too. Pages follow a position rather than an offset: each asks
 * for the records after the last one returned (a later write_date, or the same one and a higher id),
 * so a record changed while the feed is read cannot shift another past a page boundary; it comes again
 * at its new write_date. `next` is `{ writeDate, id }` as JSON.
 */
import type { ChangedCustomerRecord, ChangedRecord, ChangedSaleOrder, ChangeFeed } from '../shared/change-feed.ts';
import { readPosition } from '../shared/change-feed.ts';
import type { OdooClient } from './client.ts';
import type { ReferenceData } from './reference-data.ts';
import { toChangedPartner, toChangedSaleOrder } from './transform-change.ts';
import type { ChangePosition } from './types.ts';

const PAGE_SIZE = 200;

/** Odoo's naive UTC datetime of an instant, floored to the second: "2026-11-20 09:15:00". */
const toOdooDatetime = (epochMs: number): string => new Date(epochMs).toISOString().slice(0, 19).replace('T', ' ');

const isPosition = (p: Partial<ChangePosition> | null) =>
  typeof p?.writeDate === 'string' && /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(p.writeDate) && Number.isInteger(p.id);

/** A feed over one model: `load` reads a page after a position, `convert` turns its records into the feed's. */
function odooFeed<R extends { id: number; write_date: string | false }, T extends ChangedRecord>(
  feed: string, load: (from: ChangePosition, limit: number) => Promise<R[]>, convert: (records: R[]) => Promise<T[]>,
): ChangeFeed<T> {
  return {
    async page(since, after) {
      // Every write_date is at least this, so id 0 puts the first page at write_date >= since.
      const from = after === null ? { writeDate: toOdooDatetime(since), id: 0 } : readPosition<ChangePosition>(after, isPosition, feed);
      const rows = await load(from, PAGE_SIZE);
      const last = rows.at(-1);
      const next = rows.length === PAGE_SIZE && last && last.write_date ? JSON.stringify({ writeDate: last.write_date, id: last.id }) : null;
      return { records: await convert(rows), next };
    },
  };
}

export const createPartnerChangeFeed = (client: OdooClient): ChangeFeed<ChangedCustomerRecord> =>
  odooFeed('ERP partner', client.partnersChangedAfter, async (rows) => rows.map(toChangedPartner));

export const createSaleOrderChangeFeed = (client: OdooClient, reference: ReferenceData): ChangeFeed<ChangedSaleOrder> =>
  odooFeed('ERP sales order', client.saleOrdersChangedAfter, async (rows) => {
    const currency = rows.length ? await reference.companyCurrency() : '';
    return rows.map((row) => toChangedSaleOrder(row, currency));
  });
