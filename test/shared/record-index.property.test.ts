/**
 * Property tests of the stand-ins' record indexes against sorting and filtering the whole collection
 * again: after any sequence of writes and creates, a sorted view holds every record in order, a
 * seek lands where a linear scan would, and a lookup finds exactly the records holding the value.
 * Fixed seed, 300 cases per property.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareParts, createRecordIndexes } from '../../upstreams/shared/record-index.ts';

const RUNS = { seed: 42, numRuns: 300 };

interface Row { id: number; at: number | null; email: string }

const step = fc.oneof(
  fc.record({ kind: fc.constant('write' as const), pick: fc.nat(), at: fc.option(fc.integer({ min: 0, max: 20 })), email: fc.constantFrom('a', 'b', 'c') }),
  fc.record({ kind: fc.constant('create' as const), at: fc.option(fc.integer({ min: 0, max: 20 })), email: fc.constantFrom('a', 'b', 'c') }),
);
const start = fc.array(fc.record({ at: fc.option(fc.integer({ min: 0, max: 20 })), email: fc.constantFrom('a', 'b', 'c') }), { maxLength: 30 });

/** Runs the steps on a collection whose view (by `at`, nulls last, then id) and lookup (by email) were built first. */
type Step = { kind: 'write' | 'create'; pick?: number; at: number | null; email: string };

function replay(initial: { at: number | null; email: string }[], steps: Step[]) {
  const rows = new Map<number, Row>(initial.map((r, i) => [i + 1, { id: i + 1, ...r }]));
  const indexes = createRecordIndexes(() => rows.values());
  const keyOf = (r: Row) => [r.at, r.id];
  const view = indexes.sorted('at', keyOf, compareParts);
  const byEmail = indexes.lookup('email', (r) => [r.email]);
  for (const s of steps) {
    if (s.kind === 'create' || rows.size === 0) {
      const row = { id: rows.size + 1, at: s.at, email: s.email };
      rows.set(row.id, row);
      indexes.changed(row);
    } else {
      const row = rows.get((s.pick! % rows.size) + 1)!;
      Object.assign(row, { at: s.at, email: s.email });
      indexes.changed(row);
    }
  }
  return { rows: [...rows.values()], view, byEmail, keyOf };
}

describe('record indexes', () => {
  it('keep a sorted view in the order a full sort gives, after any writes and creates', () => {
    fc.assert(fc.property(start, fc.array(step, { maxLength: 40 }), (initial, steps) => {
      const { rows, view, keyOf } = replay(initial, steps);
      const expected = [...rows].sort((a, b) => compareParts(keyOf(a), keyOf(b))).map((r) => r.id);
      expect(view.records.map((r) => r.id)).toEqual(expected);
    }), RUNS);
  });

  it('seek to the first record not before (or after, when strict) a key, as a linear scan finds it', () => {
    fc.assert(fc.property(start, fc.array(step, { maxLength: 20 }), fc.option(fc.integer({ min: -1, max: 21 })), fc.nat(40), fc.boolean(), (initial, steps, at, id, strict) => {
      const { view } = replay(initial, steps);
      const key = [at, id];
      const linear = view.records.findIndex((r) => { const c = compareParts(view.keyOf(r), key); return strict ? c > 0 : c >= 0; });
      expect(view.seek(key, strict)).toBe(linear === -1 ? view.records.length : linear);
    }), RUNS);
  });

  it('find exactly the records holding a value, after any writes and creates', () => {
    fc.assert(fc.property(start, fc.array(step, { maxLength: 40 }), fc.constantFrom('a', 'b', 'c', 'd'), (initial, steps, email) => {
      const { rows, byEmail } = replay(initial, steps);
      expect(byEmail(email).map((r) => r.id).sort((a, b) => a - b)).toEqual(rows.filter((r) => r.email === email).map((r) => r.id));
    }), RUNS);
  });
});
