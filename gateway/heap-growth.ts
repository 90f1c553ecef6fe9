/**
 * How far V8 lets the gateway's heap grow past what survived its last full collection before it
 * collects again. V8's own factor (up to 4× when collections keep up easily) let the heap of a busy
 * gateway swell with garbage: objects of the operations in flight survive the young generation's
 * collections, move to the old generation and die there soon after, and a busy gateway reached 350 MB
 * resident with 50 MB live. At 1.3× the old generation is collected sooner and stays near its live
 * size (README "Memory": the figures, and what it costs).
 *
 * Only the command line or the process itself can set it: Node refuses this flag in NODE_OPTIONS.
 */
import v8 from 'node:v8';

/** The old generation may grow to 1.3× what survived the last full collection. */
export const HEAP_GROWING_PERCENT = 30;

/** Sets V8's heap growing factor, unless the command line chose one (`node --heap-growing-percent=N`, which wins). */
export function limitHeapGrowth(execArgv: readonly string[], setFlags: (flags: string) => void = v8.setFlagsFromString): void {
  if (execArgv.some((arg) => /^--heap[-_]growing[-_]percent\b/.test(arg))) return;
  setFlags(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
