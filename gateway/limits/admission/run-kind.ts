/**
 * The kind an operation's run time is judged by (unloaded-run-times.ts): its parsed operation, and
 * whether it went to a subgraph or was answered wholly from the gateway's answer cache. Judged as one
 * kind, the misses among a hot view's hits (after a write, or as entries expire) take many times the
 * hits' unloaded time and pass for queueing, and the bound shrinks with the gateway far from busy.
 */
const kinds = new WeakMap<object, { fromMemory: object; throughSubgraphs: object }>();

export function runKind(operation: object, wentToSubgraphs: boolean): object {
  let pair = kinds.get(operation);
  if (!pair) kinds.set(operation, (pair = { fromMemory: {}, throughSubgraphs: {} }));
  return wentToSubgraphs ? pair.throughSubgraphs : pair.fromMemory;
}
