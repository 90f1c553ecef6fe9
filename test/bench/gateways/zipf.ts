/** A skewed choice among n items (Zipf: item k of 1…n is picked in proportion to 1/k^s). */

export type Random = () => number;

/**
 * Returns a sampler of indexes 0…n-1 (index 0 the most popular) drawing from `random` (uniform in [0, 1)).
 * With s = 1 and n = 100, index 0 takes about 19% of picks and the last one about 0.2%.
 */
export function zipfSampler(n: number, random: Random, s = 1): () => number {
  if (!Number.isInteger(n) || n < 1) throw new Error(`n must be a positive integer: ${n}`);
  if (!(s >= 0)) throw new Error(`s must be a non-negative number: ${s}`);
  const cumulative: number[] = [];
  let total = 0;
  for (let k = 1; k <= n; k++) cumulative.push((total += 1 / k ** s));
  return () => {
    const target = random() * total;
    // The first index whose cumulative weight exceeds the target.
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] > target) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
}
