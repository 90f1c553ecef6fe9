/**
 * The acceptor's queue of connections to hand over (gateway/acceptor/hand-over-queue.ts): one sent at a
 * time, the next once the gateway took the last in; one that waited past its wait refused instead, probes never.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HandOverQueue } from '../../gateway/acceptor/hand-over-queue.ts';

describe('HandOverQueue', () => {
  afterEach(() => vi.useRealTimers());

  const queue = (waitMs: number, gone = new Set<string>()) => {
    vi.useFakeTimers();
    const sent: string[] = [];
    const refused: { item: string; at: number }[] = [];
    const q = new HandOverQueue<string>({
      now: () => Date.now(),
      waitMs: () => waitMs,
      send: (item) => !gone.has(item) && sent.push(item) > 0,
      refuse: (item) => refused.push({ item, at: Date.now() }),
    });
    return { q, sent, refused, start: Date.now() };
  };

  it('sends one at a time, the next when the last is taken in, in order', () => {
    const { q, sent, refused } = queue(1000);
    q.add('a');
    q.add('b');
    q.add('c');
    expect(sent).toEqual(['a']);
    q.taken();
    expect(sent).toEqual(['a', 'b']);
    q.taken();
    q.taken();
    expect(sent).toEqual(['a', 'b', 'c']);
    q.add('d');
    expect(sent).toEqual(['a', 'b', 'c', 'd']);
    expect(refused).toEqual([]);
  });

  it('refuses, once their wait is over, those still waiting to be sent, but never a probe', () => {
    const { q, sent, refused, start } = queue(50);
    q.add('sent at once');
    vi.advanceTimersByTime(10);
    q.add('waits');
    q.add('probe', true);
    vi.advanceTimersByTime(30);
    q.add('later');
    // 'waits' outwaits its 50 ms at 61 ms, by the queue's own timer: the gateway took nothing in meanwhile.
    vi.advanceTimersByTime(25);
    expect(refused.map((r) => [r.item, r.at - start])).toEqual([['waits', 61]]);
    q.taken();
    expect(sent).toEqual(['sent at once', 'probe']);
    vi.advanceTimersByTime(100);
    expect(refused.map((r) => r.item)).toEqual(['waits', 'later']);
    q.taken();
    expect(sent).toEqual(['sent at once', 'probe']);
  });

  it('sends the next at once when one could not be sent', () => {
    const { q, sent } = queue(1000, new Set(['gone']));
    q.add('a');
    q.add('gone');
    q.add('b');
    q.taken();
    expect(sent).toEqual(['a', 'b']);
    q.taken();
    q.add('c');
    expect(sent).toEqual(['a', 'b', 'c']);
  });

  it('gives back what was never sent', () => {
    const { q, sent } = queue(1000);
    q.add('a');
    q.add('b');
    q.add('c');
    expect(q.drain()).toEqual(['b', 'c']);
    q.taken();
    expect(sent).toEqual(['a']);
  });
});
