/**
 * The critical-path bound of one operation from the stand-ins' trace (/__admin/trace): the longest chain
 * of upstream calls in which each call started only after the previous one had answered. Those are
 * the dependent levels no gateway can overlap; levels × the injected upstream latency is the least time
 * the operation can take.
 */
import type { TraceSpan } from '../../../upstreams/shared/standin.ts';

export interface CriticalPath {
  /** The dependent upstream levels: the length of the longest chain (0 for no upstream call). */
  levels: number;
  /** One longest chain, in order. */
  chain: TraceSpan[];
}

export function criticalPath(spans: readonly TraceSpan[]): CriticalPath {
  const sorted = [...spans].sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs);
  // longest[i]: the longest chain ending with sorted[i]; previous[i]: the call before it in that chain.
  const longest: number[] = [];
  const previous: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    longest.push(1);
    previous.push(-1);
    for (let j = 0; j < i; j++) {
      if (sorted[j].endMs <= sorted[i].startMs && longest[j] + 1 > longest[i]) {
        longest[i] = longest[j] + 1;
        previous[i] = j;
      }
    }
  }
  let last = -1;
  for (let i = 0; i < sorted.length; i++) if (last === -1 || longest[i] > longest[last]) last = i;
  const chain: TraceSpan[] = [];
  for (let i = last; i !== -1; i = previous[i]) chain.unshift(sorted[i]);
  return { levels: chain.length, chain };
}
