/**
 * RecordInvalidation across replicas over PostgreSQL LISTEN/NOTIFY (../pg-notify/): publish NOTIFYs the
 * keys on the `records` topic; subscribers hear every replica's, this one's included. After each
 * (re)connect of the listening connection they hear "everything of every system" (everythingOf),
 * since what was sent while it was down is lost. The HTTP delivery stays beside it in the sync service
 * (publishingAlso): it is the one a mutation waits for, so its own subgraph answers the next read fresh.
 */
import type { PgNotify } from '../pg-notify/pg-notify.ts';
import type { RecordInvalidation } from './record-invalidation.ts';
import { CACHED_SYSTEMS, everyOf, everythingOf, keyText, parseRecordKeys, type RecordKey } from './record-keys.ts';

export const RECORDS_TOPIC = 'records';

export function createPgInvalidation(channel: PgNotify, onFailure: (err: unknown) => void): RecordInvalidation {
  return {
    async publish(keys) {
      if (!keys.length) return;
      try {
        const oversize = await channel.notify(RECORDS_TOPIC, keys) as RecordKey[];
        // An id too long for a notification: its whole kind is dropped instead.
        if (oversize.length) await channel.notify(RECORDS_TOPIC, unique(oversize.map((k) => everyOf(k.system, k.kind))));
      } catch (err) {
        onFailure(err);
      }
    },
    subscribe(handler) {
      const offNews = channel.on(RECORDS_TOPIC, (items) => {
        const keys = parseRecordKeys(items);
        if (keys?.length) handler(keys);
      });
      const offListening = channel.onListening(() => handler(CACHED_SYSTEMS.map(everythingOf)));
      return () => {
        offNews();
        offListening();
      };
    },
  };
}

function unique(keys: RecordKey[]): RecordKey[] {
  return [...new Map(keys.map((k) => [keyText(k), k])).values()];
}
