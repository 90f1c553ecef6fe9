/**
 * Indexes over one stand-in collection, so that a page costs in proportion to the page and a lookup in
 * proportion to what it finds, not to the collection: sorted views (a record's sort key computed once,
 * a page found by binary search) and equality lookups (a value to the records holding it). Each is
 * built on first use and then kept up to date by `changed(record)`, which the store calls after every
 * write or create. Records are tracked by identity; the stores never replace a record object.
 */

/** A sort key: compared part by part with the view's comparator. */
export type SortKey = readonly unknown[];

export interface SortedView<T> {
  /** The records in order (the caller must not change the array). */
  readonly records: readonly T[];
  /** The first position whose key is not before `key` (with `strict`: after it). */
  seek(key: SortKey, strict?: boolean): number;
  /** The first position whose key is not `before` (the view's order must put every such key first). */
  partition(before: (key: SortKey) => boolean): number;
  keyOf(record: T): SortKey;
}

export interface RecordIndexes<T extends object> {
  /** The view named `name` (built on first use with this key and comparator). */
  sorted(name: string, keyOf: (record: T) => SortKey, compare: (a: SortKey, b: SortKey) => number): SortedView<T>;
  /** The records holding each value (e.g. a lowercased email), built on first use. */
  lookup(name: string, valuesOf: (record: T) => readonly string[]): (value: string) => readonly T[];
  /** After a record is written or created: moves it in every view and lookup built so far. */
  changed(record: T): void;
}

export function createRecordIndexes<T extends object>(all: () => Iterable<T>): RecordIndexes<T> {
  const views = new Map<string, ViewState<T>>();
  const lookups = new Map<string, LookupState<T>>();
  return {
    sorted(name, keyOf, compare) {
      let view = views.get(name);
      if (!view) views.set(name, (view = buildView(all(), keyOf, compare)));
      return view.api;
    },
    lookup(name, valuesOf) {
      let lookup = lookups.get(name);
      if (!lookup) lookups.set(name, (lookup = buildLookup(all(), valuesOf)));
      const { byValue } = lookup;
      return (value) => [...(byValue.get(value) ?? [])];
    },
    changed(record) {
      for (const view of views.values()) view.move(record);
      for (const lookup of lookups.values()) lookup.move(record);
    },
  };
}

interface ViewState<T> {
  api: SortedView<T>;
  move(record: T): void;
}

function buildView<T extends object>(records: Iterable<T>, keyOf: (record: T) => SortKey, compare: (a: SortKey, b: SortKey) => number): ViewState<T> {
  const keys = new Map<T, SortKey>();
  for (const record of records) keys.set(record, keyOf(record));
  const sorted = [...keys.keys()].sort((a, b) => compare(keys.get(a)!, keys.get(b)!));
  /** The first position whose key is not before (strict: is after) `key`. */
  const partition = (before: (key: SortKey) => boolean): number => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (before(keys.get(sorted[mid])!)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const seek = (key: SortKey, strict = false): number => partition((at) => {
    const c = compare(at, key);
    return c < 0 || (strict && c === 0);
  });
  return {
    api: { records: sorted, seek, partition, keyOf: (record) => keys.get(record) ?? keyOf(record) },
    move(record) {
      const old = keys.get(record);
      if (old !== undefined) {
        // Keys are unique (they end with the record's id), but look around equal keys all the same.
        let at = seek(old);
        while (at < sorted.length && sorted[at] !== record) at++;
        if (at < sorted.length) sorted.splice(at, 1);
      }
      const key = keyOf(record);
      keys.set(record, key);
      sorted.splice(seek(key, true), 0, record);
    },
  };
}

interface LookupState<T> {
  byValue: Map<string, Set<T>>;
  move(record: T): void;
}

function buildLookup<T extends object>(records: Iterable<T>, valuesOf: (record: T) => readonly string[]): LookupState<T> {
  const byValue = new Map<string, Set<T>>();
  const held = new Map<T, readonly string[]>();
  const add = (record: T) => {
    const values = valuesOf(record);
    held.set(record, values);
    for (const value of values) {
      let set = byValue.get(value);
      if (!set) byValue.set(value, (set = new Set()));
      set.add(record);
    }
  };
  for (const record of records) add(record);
  return {
    byValue,
    move(record) {
      for (const value of held.get(record) ?? []) byValue.get(value)?.delete(record);
      add(record);
    },
  };
}

/** Compares sort keys part by part: numbers and strings by value; null after anything else. */
export function compareParts(a: SortKey, b: SortKey): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number | string | null;
    const y = b[i] as number | string | null;
    if (x === y) continue;
    if (x === null) return 1;
    if (y === null) return -1;
    return x < y ? -1 : 1;
  }
  return 0;
}
