/**
 * The CRM's change feed (the contract is ../shared/change-feed.ts): contacts modified at or after a
 * time, oldest first, through HubSpot's search on `lastmodifieddate` (GTE, sorted ascending, 200 a page).
 *
 * HubSpot's search `after` is an offset into one query's results; it never pages past 10,000 of them,
 * and an offset slips when a record before it changes meanwhile (the record moves to the end, and the
 * one after the offset would be skipped). So every page is a new query from the last record's
 * lastmodifieddate, skipping only the records of that very millisecond already returned: `next` is
 * `{ since, skip }` as JSON, and no query's offset grows beyond the records sharing one millisecond.
 * A contact changed while the feed is read comes again at its new time: records may be seen twice.
 */
import type { ChangedRecord, ChangeFeed } from '../shared/change-feed.ts';
import { readPosition } from '../shared/change-feed.ts';
import type { UpstreamConfig } from '../shared/upstream-http.ts';
import { createHubSpotClient } from './client.ts';
import type { HubSpotRecord } from './transforms.ts';

/** HubSpot's largest search page. */
const PAGE_SIZE = 200;

interface Position {
  /** Epoch ms the next query starts at (GTE). */
  since: number;
  /** Records modified exactly at `since` that were returned already. */
  skip: number;
}

const isPosition = (p: Partial<Position> | null) => Number.isInteger(p?.since) && Number.isInteger(p?.skip) && p!.skip! >= 0;

/** A contact's last change: lastmodifieddate, which the search filters and sorts on (else updatedAt, which HubSpot keeps equal). */
const changedAt = (record: HubSpotRecord): number => Date.parse(record.properties.lastmodifieddate ?? record.updatedAt);

export function createContactChangeFeed(hubspot: UpstreamConfig): ChangeFeed<ChangedRecord> {
  const client = createHubSpotClient(hubspot);
  return {
    async page(since, after) {
      const from: Position = after === null ? { since, skip: 0 } : readPosition<Position>(after, isPosition, 'CRM');
      const page = await client.pageModifiedSince({ since: from.since, skip: from.skip, limit: PAGE_SIZE });
      const records = page.results.map((r) => ({ externalId: r.id, changedAt: changedAt(r) }));
      const last = records.at(-1);
      if (!page.hasMore || !last) return { records, next: null };
      const tied = records.filter((r) => r.changedAt === last.changedAt).length;
      const next: Position = { since: last.changedAt, skip: (last.changedAt === from.since ? from.skip : 0) + tied };
      return { records, next: JSON.stringify(next) };
    },
  };
}
