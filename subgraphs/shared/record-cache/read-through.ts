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
}

/** A batch whose answers are R (null for "none", which is never kept) or an Error (never kept either). */
type Batch<K, R> = (keys: readonly K[]) => Promise<readonly (R | Error)[]>;

/** `load` itself when there is no cache. */
export function readThrough<K, R>(shelf: RecordShelf<NoInfer<NonNullable<R>> & object> | null, rule: ReadThrough<K, NoInfer<NonNullable<R>>>, load: Batch<K, R>): Batch<K, R> {
  if (!shelf) return load;
  return async (keys) => {
    const answers: (R | Error)[] = new Array(keys.length);
    const missing: number[] = [];
    keys.forEach((key, i) => {
      const id = rule.idOf(key);
      const cached = id === null ? undefined : shelf.get(id);
      if (cached === undefined) missing.push(i);
      else {
        answers[i] = cached as R;
        dependOn(shelf.keyOf(id!), shelf.remainingMs(id!));
      }
    });
    if (!missing.length) return answers;
    const ticket = shelf.ticket();
    const batch = () => load(missing.map((i) => keys[i]));
    // Only a batch of ids alone is a named read: one with a key without an id searches by something else.
    const loaded = await (missing.every((i) => rule.idOf(keys[i]) !== null) ? namedRead(batch) : batch());
    missing.forEach((i, j) => {
      const value = loaded[j];
      answers[i] = value;
      const id = rule.idOf(keys[i]);
      if (id !== null && value !== null && value !== undefined && !(value instanceof Error) && rule.keeps(keys[i], value as NonNullable<R>)
        && shelf.set(id, value as NonNullable<R> & object, ticket)) dependOn(shelf.keyOf(id), shelf.remainingMs());
      else dependOnUnnamed();
    });
    return answers;
  };
}
