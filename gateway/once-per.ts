/** `fn` at most once per `intervalMs`; calls in between are dropped. */
export function oncePer(intervalMs: number, fn: () => void): () => void {
  let last = -Infinity;
  return () => {
    const now = performance.now();
    if (now - last < intervalMs) return;
    last = now;
    fn();
  };
}
