/**
 * A DataLoader batch function in front of the record cache: the keys whose record the cache holds are
 * answered from it, the rest go to the upstream in one batch as before, and the records found are kept
 * (unless dropped meanwhile, see record-cache.ts).
 */
import type { RecordShelf } from './record-cache.ts';

export interface ReadThrough<K, V extends object> {
  /** The cache's id for a key, or null when the key cannot be answered from the cache (e.g. a search by email). */
  idOf(key: K): string | null;
  /** Whether an answer may be kept under idOf(key) (e.g. only a record found by that id, not by an email fallback). */
  keeps(key: K, value: V): boolean;
}

type Batch<K, V> = (keys: readonly K[]) => Promise<readonly (V | null | Error)[]>;

/** `load` itself when there is no cache. */
export function readThrough<K, V extends object>(shelf: RecordShelf<V> | null, rule: ReadThrough<K, V>, load: Batch<K, V>): Batch<K, V> {
  if (!shelf) return load;
  return async (keys) => {
    const answers: (V | null | Error)[] = new Array(keys.length);
    const missing: number[] = [];
    keys.forEach((key, i) => {
      const id = rule.idOf(key);
      const cached = id === null ? undefined : shelf.get(id);
      if (cached === undefined) missing.push(i);
      else answers[i] = cached;
    });
    if (!missing.length) return answers;
    const ticket = shelf.ticket();
    const loaded = await load(missing.map((i) => keys[i]));
    missing.forEach((i, j) => {
      const value = loaded[j];
      answers[i] = value;
      const id = rule.idOf(keys[i]);
      if (id !== null && value !== null && !(value instanceof Error) && rule.keeps(keys[i], value)) shelf.set(id, value, ticket);
    });
    return answers;
  };
}
