/**
 * A read subgraph's shared cache of upstream records (never of GraphQL answers: authorization happens
 * above it, per field, on every request). Bounded in entries, each kept at most the system's TTL, and
 * dropped by key when the sync service says the record changed (record-invalidation.ts).
 *
 * The race it closes: a read that fetched a record before a write and stores it after the write's
 * invalidation arrived would put the old record back for a whole TTL. So a read takes a ticket before
 * it asks the upstream, and its answer is stored only if its key was not dropped after that ticket.
 * The same rule lets a read wait for another still in flight (`pending`): only while its key has not
 * been dropped since that read's ticket, so a read begun after a write was answered never joins one
 * sent before it.
 */
import { LRUCache } from 'lru-cache';
import { recordCacheLookup } from '../observability/cache-lookup.ts';
import { EVERY, keyText, type CachedSystem, type RecordKey } from './record-keys.ts';

export interface RecordCacheConfig {
  /** How long a record is served from memory; 0 turns the cache off. */
  ttlMs: number;
  /** Records kept at most; the least recently used go first. */
  maxEntries: number;
}

/** A moment in the cache's history of drops, taken before asking the upstream. */
export type Ticket = number;

/** One kind of record of the cache's system (e.g. CRM contacts), holding values of type V. */
export interface RecordShelf<V extends object> {
  /** The record, counted as a hit or miss in subgraph_cache_lookups_total. */
  get(id: string): V | undefined;
  ticket(): Ticket;
  /** Keeps the record unless it was dropped since `ticket`; false when it was not kept. */
  set(id: string, value: V, ticket: Ticket): boolean;
  /** Offers a read of the record in flight since `ticket` to later reads, until it settles (null: no such record). */
  share(id: string, answer: Promise<V | null>, ticket: Ticket): void;
  /** The read of the record in flight, unless the record was dropped since it was sent. */
  pending(id: string): Promise<V | null> | undefined;
  /** The record's key as keyText() writes it (what answers made from it are tagged with). */
  keyOf(id: string): string;
  /** How much longer a held record may be served (ms); the whole TTL for one just read. */
  remainingMs(id?: string): number;
}

export interface RecordCache {
  system: CachedSystem;
  shelf<V extends object>(kind: string): RecordShelf<V>;
  /** Drops these records (keys of other systems are ignored; EVERY drops the whole kind, or with kind EVERY too the whole cache). */
  drop(keys: readonly RecordKey[]): void;
}

/** Null when the TTL is 0: every read goes to the upstream. */
export function createRecordCache(system: CachedSystem, config: RecordCacheConfig): RecordCache | null {
  if (config.ttlMs === 0) return null;
  const records = new LRUCache<string, object>({ max: config.maxEntries, ttl: config.ttlMs });
  // Every drop advances `sequence` and notes it against the key. A ticket older than its key's last drop
  // may hold the old record. Remembered drops are bounded; one forgotten raises `floor`, below which no
  // ticket may store anything (reads in flight for that long just go uncached).
  let sequence = 0;
  let floor = 0;
  const droppedAt = new LRUCache<string, number>({
    max: config.maxEntries,
    dispose: (at, _key, reason) => { if (reason === 'evict') floor = Math.max(floor, at); },
  });
  // The last drop of each whole kind (few kinds: never evicted).
  const kindDroppedAt = new Map<string, number>();
  const droppedSince = (key: string, kind: string, ticket: Ticket) =>
    ticket < floor || (droppedAt.peek(key) ?? -1) > ticket || (kindDroppedAt.get(kind) ?? -1) > ticket;
  // Reads in flight offered to later reads, by key text; each leaves when it settles.
  const inFlight = new Map<string, { answer: Promise<unknown>; ticket: Ticket }>();
  return {
    system,
    shelf<V extends object>(kind: string): RecordShelf<V> {
      const metricName = `${system.toLowerCase()}_${kind}`;
      const text = (id: string) => keyText({ system, kind, id });
      return {
        get(id) {
          const value = records.get(text(id)) as V | undefined;
          recordCacheLookup(metricName, value !== undefined);
          return value;
        },
        ticket: () => sequence,
        set(id, value, ticket) {
          const key = text(id);
          if (droppedSince(key, kind, ticket)) return false;
          records.set(key, value);
          return true;
        },
        keyOf: text,
        remainingMs: (id) => (id === undefined ? config.ttlMs : records.getRemainingTTL(text(id))),
        share(id, answer, ticket) {
          const key = text(id);
          const entry = { answer, ticket };
          inFlight.set(key, entry);
          const leave = () => { if (inFlight.get(key) === entry) inFlight.delete(key); };
          answer.then(leave, leave);
        },
        pending(id) {
          const key = text(id);
          const entry = inFlight.get(key);
          if (!entry || droppedSince(key, kind, entry.ticket)) return undefined;
          return entry.answer as Promise<V | null>;
        },
      };
    },
    drop(keys) {
      for (const key of keys) {
        if (key.system !== system) continue;
        const text = keyText(key);
        sequence += 1;
        if (key.kind === EVERY) {
          // No read in flight may store what it fetched before this.
          records.clear();
          floor = sequence;
        } else if (key.id === EVERY) {
          kindDroppedAt.set(key.kind, sequence);
          const prefix = text.slice(0, -EVERY.length);
          for (const stored of [...records.keys()]) if (stored.startsWith(prefix)) records.delete(stored);
        } else {
          droppedAt.set(text, sequence);
          records.delete(text);
        }
      }
    },
  };
}
