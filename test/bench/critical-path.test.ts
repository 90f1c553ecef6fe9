import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { criticalPath } from './gateways/critical-path.ts';
import { zipfSampler } from './gateways/zipf.ts';
import { percentile } from './gateways/stats.ts';
import { resultsProblems, type BenchResults } from './gateways/results.ts';
import { ReadAfterWrite } from './gateways/read-after-write.ts';
import type { TraceSpan } from '../../upstreams/shared/standin.ts';

const span = (standIn: string, startMs: number, endMs: number): TraceSpan => ({ standIn, endpoint: `POST /${standIn}`, startMs, endMs });

describe('criticalPath', () => {
  it('counts calls that waited for one another as levels, and parallel calls as one', () => {
    // search → (shop lookup ∥ odoo partners) → shop orders → odoo sale orders, with a mastodon call beside them.
    const spans = [
      span('hubspot', 0, 21), span('shopify', 22, 43), span('odoo', 22, 44), span('mastodon', 23, 45),
      span('shopify', 44, 66), span('odoo', 67, 88),
    ];
    const path = criticalPath(spans);
    expect(path.levels).toBe(4);
    expect(path.chain.map((s) => s.standIn)).toEqual(['hubspot', 'shopify', 'shopify', 'odoo']);
  });

  it('does not count a call that started before the previous one answered', () => {
    expect(criticalPath([span('hubspot', 0, 20), span('odoo', 19, 40)]).levels).toBe(1);
  });

  it('takes the spans in any order, and gives 0 levels for none', () => {
    expect(criticalPath([span('odoo', 50, 70), span('hubspot', 0, 20), span('shopify', 25, 45)]).levels).toBe(3);
    expect(criticalPath([])).toEqual({ levels: 0, chain: [] });
  });
});

describe('zipfSampler', () => {
  it('picks low indexes most often, about in proportion to 1/k', () => {
    const next = zipfSampler(100, seedrandom('bench'));
    const counts = new Array<number>(100).fill(0);
    for (let i = 0; i < 100_000; i++) counts[next()] += 1;
    const harmonic = Array.from({ length: 100 }, (_, k) => 1 / (k + 1)).reduce((a, b) => a + b, 0);
    expect(counts[0] / 100_000).toBeCloseTo(1 / harmonic, 2);
    expect(counts[1] / 100_000).toBeCloseTo(1 / 2 / harmonic, 2);
    expect(counts[0]).toBeGreaterThan(counts[9]);
    expect(counts[9]).toBeGreaterThan(counts[99]);
    expect(counts.every((n) => n > 0)).toBe(true);
  });

  it('stays within 0…n-1, even at the edges of the random source', () => {
    expect(zipfSampler(5, () => 0)()).toBe(0);
    expect(zipfSampler(5, () => 0.999_999_999)()).toBe(4);
    expect(zipfSampler(1, Math.random)()).toBe(0);
  });

  it('refuses a size that is not a positive integer, naming it', () => {
    expect(() => zipfSampler(0, Math.random)).toThrow('n must be a positive integer: 0');
  });
});

describe('percentile', () => {
  it('takes the nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNull();
  });
});

describe('results schema', () => {
  const valid: BenchResults = {
    scenarios: [{ name: 'S1', rps: 12.5, baselineRps: 10, ratio: 1.25, p50Ms: 180, p99Ms: 420, aloneP50Ms: 95, criticalPathMs: 80, upstreamCallsPerOp: 7, staleReads: 0 }],
  };

  it('accepts a well-formed result', () => {
    expect(resultsProblems(valid)).toEqual([]);
  });

  it('names each missing or malformed field', () => {
    const { ratio: _ratio, ...withoutRatio } = valid.scenarios[0];
    expect(resultsProblems({ scenarios: [{ ...withoutRatio, staleReads: 1.5, p50Ms: Number.NaN }] })).toEqual([
      'scenarios[0].ratio must be a finite number of at least 0: undefined',
      'scenarios[0].p50Ms must be a finite number of at least 0: NaN',
      'scenarios[0].staleReads must be an integer: 1.5',
    ]);
    expect(resultsProblems({})).toEqual(['"scenarios" must be an array.']);
  });
});

describe('ReadAfterWrite (S3)', () => {
  const written = (phone: string, version = 'v2') => ({ data: { updateCustomer: { customer: { id: 'c1', version, phone } } } });
  const read = (phone: string) => ({ data: { customer: { phone, version: 'v2' } } });

  it('counts a read begun after an answered write that shows the old value as stale', () => {
    const tracker = new ReadAfterWrite([{ id: 'c1', version: 'v1', phone: '+100' }]);
    const write = tracker.beginWrite(0, '+200')!;
    expect(write).toMatchObject({ id: 'c1', version: 'v1', phone: '+200' });
    write.settle(written('+200'));
    expect(tracker.beginRead(0).settle(read('+100'))).toBe(false);
    expect(tracker.beginRead(0).settle(read('+200'))).toBe(true);
    expect({ checked: tracker.checked, stale: tracker.stale }).toEqual({ checked: 2, stale: 1 });
  });

  it('does not judge reads that overlapped a write, and allows one write per customer at a time', () => {
    const tracker = new ReadAfterWrite([{ id: 'c1', version: 'v1', phone: '+100' }]);
    const before = tracker.beginRead(0);
    const write = tracker.beginWrite(0, '+200')!;
    expect(tracker.beginWrite(0, '+300')).toBeNull();
    const during = tracker.beginRead(0);
    write.settle(written('+200'));
    expect(before.settle(read('+100'))).toBe(true);
    expect(during.settle(read('+100'))).toBe(true);
    expect(tracker.checked).toBe(0);
  });

  it('writes with the version the last write returned, and stops checking after a refused write', () => {
    const tracker = new ReadAfterWrite([{ id: 'c1', version: 'v1', phone: '+100' }]);
    tracker.beginWrite(0, '+200')!.settle(written('+200', 'v2'));
    const refused = tracker.beginWrite(0, '+300')!;
    expect(refused.version).toBe('v2');
    refused.settle({ errors: [{ extensions: { code: 'VERSION_CONFLICT' } }] });
    expect(tracker.writesRefused).toEqual({ VERSION_CONFLICT: 1 });
    expect(tracker.beginRead(0).settle(read('+100'))).toBe(true);
    expect(tracker.checked).toBe(0);
  });
});
