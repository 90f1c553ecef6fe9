import { describe, expect, it } from 'vitest';
import { HEAP_GROWING_PERCENT, limitHeapGrowth } from '../../gateway/heap-growth.ts';

describe('limitHeapGrowth', () => {
  it('sets V8\'s heap growing factor to 1.3×', () => {
    const set: string[] = [];
    limitHeapGrowth(['--import', 'tsx'], (flags) => set.push(flags));
    expect(HEAP_GROWING_PERCENT).toBe(30);
    expect(set).toEqual(['--heap-growing-percent=30']);
  });

  it('leaves a factor chosen on the command line alone, in either spelling', () => {
    const set: string[] = [];
    limitHeapGrowth(['--heap-growing-percent=50'], (flags) => set.push(flags));
    limitHeapGrowth(['--heap_growing_percent', '0'], (flags) => set.push(flags));
    expect(set).toEqual([]);
  });
});
