/**
 * A DataLoader batch function in front of the record cache: the keys whose record the cache holds are
 * answered from it, the rest go to the upstream in one batch as before, and the records found are kept
 * (unless dropped meanwhile, see record-cache.ts). Each record served is noted as a dependency of the
 * request's answer (answer-dependencies.ts); anything served that no key names (a key without an id, a
 * "none", a match the rule does not keep, a record dropped while it was read) makes the answer unkeepable.
 */
import type { RecordShelf } from './record-cache.ts';
import { dependOn, dependOnUnnamed, namedRead } from './answer-dependencies.ts';

export interface ReadThrough<K, V> {
  /** The cache's id for a key, or null when the key cannot be answered from the cache (e.g. a search by email). */
  idOf(key: K): string | null;
  /** Whether an answer may be kept under idOf(key) (e.g. only a record found by that id, not by an email fallback). */
  keeps(key: K, value: V): boolean;
  /**
   * Whether a batch that must ask the upstream for some keys asks for the cached ones in the same request
   * (keeping what it finds): when the request brings along more than the cache holds (a shop customer's
   * orders), a cached record would wait for the others' answer and then cost a request of its own, one
   * level later. A batch answered wholly from the cache still is.
   */
  asksAllWithMissing?(): boolean;
  /**
   * Whether a key may wait for a read of its id still in flight that another batch offered (record-cache.ts
   * says when it may not). Only for answers that depend on the id alone.
   */
  joinsInFlight?: boolean;
  /**
   * Whether this batch offers its reads to later batches while in flight: for reads started ahead of a
   * request that will want them (look-ahead), not for every read, so a slow answer does not hold up
   * readers that could ask again.
   */
  offersInFlight?: boolean;
  /**
   * Whether a "none" found by id is named by that id's key (not kept in the cache, but an answer made
   * from it depends on the key for the shelf's TTL): for records this gateway never creates, so that
   * their appearing is bounded by the TTL like any change made at the source.
   */
  namesNone?: boolean;
  /**
   * For a key read by something other than its id (an email, a stale id's fallback), and what it found
   * (null: none), the shelf ids its answer depends on: the email's (record-keys.ts emailKeyId), each
   * record found and the stale id. For kinds whose every create, and every update setting an email, by
   * this gateway or a webhook names the record's email: whatever the search may find next drops the
   * answer, and a write to another record leaves it. Without it, such a read is unnamed (never kept).
   */
  searchNamedBy?(key: K, found: V | null): (string | null)[];
}

/** A batch whose answers are R (null for "none", which is never kept) or an Error (never kept either). */
type Batch<K, R> = (keys: readonly K[]) => Promise<readonly (R | Error)[]>;

/** `load` itself when there is no cache. */
export function readThrough<K, R>(shelf: RecordShelf<NoInfer<NonNullable<R>> & object> | null, rule: ReadThrough<K, NoInfer<NonNullable<R>>>, load: Batch<K, R>): Batch<K, R> {
  if (!shelf) return load;
  type Kept = NonNullable<R> & object;
  return async (keys) => {
    const answers: (R | Error)[] = new Array(keys.length);
    const missing: number[] = [];
    const joined: { index: number; answer: Promise<Kept | null> }[] = [];
    keys.forEach((key, i) => {
      const id = rule.idOf(key);
      const cached = id === null ? undefined : shelf.get(id);
      const pending = id !== null && cached === undefined && rule.joinsInFlight ? shelf.pending(id) : undefined;
      if (cached !== undefined) {
        answers[i] = cached as R;
        dependOn(shelf.keyOf(id!), shelf.remainingMs(id!));
      } else if (pending) joined.push({ index: i, answer: pending });
      else missing.push(i);
    });
    if (missing.length && rule.asksAllWithMissing?.()) {
      keys.forEach((_key, i) => { if (answers[i] !== undefined) missing.push(i); });
      missing.sort((a, b) => a - b);
    }
    // A joined read that failed is asked again, by this batch alone. Both awaited at once, so that the
    // batch's own read failing while the joined ones are still out is never an unhandled rejection.
    const failed: number[] = [];
    await Promise.all([
      missing.length ? loadAndKeep(missing) : undefined,
      ...joined.map(({ index, answer }) => answer.then(
        (value) => {
          answers[index] = value as R;
          // Named only if the read that was joined kept it (it was not dropped while in flight).
          const id = rule.idOf(keys[index])!;
          if (value !== null && shelf.get(id) === value) dependOn(shelf.keyOf(id), shelf.remainingMs(id));
          else dependOnUnnamed();
        },
        () => { failed.push(index); },
      )),
    ]);
    if (failed.length) await loadAndKeep(failed);
    return answers;

    async function loadAndKeep(indexes: number[]): Promise<void> {
      const ticket = shelf!.ticket();
      const batch = () => load(indexes.map((i) => keys[i]));
      // Only a batch of ids alone is a named read: one with a key without an id searches by something else.
      const loading = rule.searchNamedBy || indexes.every((i) => rule.idOf(keys[i]) !== null) ? namedRead(batch) : batch();
      if (rule.offersInFlight) {
        indexes.forEach((i, j) => {
          const id = rule.idOf(keys[i]);
          if (id === null) return;
          shelf!.share(id, loading.then((loaded) => {
            const value = loaded[j];
            if (value instanceof Error) throw value;
            return (value ?? null) as Kept | null;
          }), ticket);
        });
      }
      const loaded = await loading;
      indexes.forEach((i, j) => {
        const value = loaded[j];
        answers[i] = value;
        const id = rule.idOf(keys[i]);
        const found = value !== null && value !== undefined && !(value instanceof Error);
        if (id !== null && found && rule.keeps(keys[i], value as NonNullable<R>)) {
          // Dropped while read: what was read may be the old record.
          if (shelf!.set(id, value as Kept, ticket)) dependOn(shelf!.keyOf(id), shelf!.remainingMs());
          else dependOnUnnamed();
        } else if (id !== null && value === null && rule.namesNone) dependOn(shelf!.keyOf(id), shelf!.remainingMs());
        else if (!(value instanceof Error) && rule.searchNamedBy) {
          for (const named of rule.searchNamedBy(keys[i], (value ?? null) as NonNullable<R> | null)) if (named !== null) dependOn(shelf!.keyOf(named), shelf!.remainingMs());
        } else dependOnUnnamed();
      });
    }
  };
}
