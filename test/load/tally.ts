/** What a group of clients got during a phase: counts by outcome and every latency, for percentiles. */
import type { Outcome } from './request.ts';

export class Tally {
  requests = 0;
  ok = 0;
  /** HTTP 429 answers (the per-caller budget), kept apart from errors. */
  rateLimited = 0;
  /** Answers that carried errors (other than 429), by code and subgraph; an answer counts once under each it carries. */
  readonly errorsByCode = new Map<string, number>();
  private readonly latencies: number[] = [];

  record(outcome: Outcome): void {
    this.requests += 1;
    this.latencies.push(outcome.latencyMs);
    if (outcome.status === 429) this.rateLimited += 1;
    else if (outcome.ok) this.ok += 1;
    else for (const code of outcome.errorKinds) this.errorsByCode.set(code, (this.errorsByCode.get(code) ?? 0) + 1);
  }

  /** Answers neither ok nor 429. */
  get errors(): number {
    return this.requests - this.ok - this.rateLimited;
  }

  /** Nearest-rank percentile of the latencies, in ms; null before any request. */
  percentile(p: number): number | null {
    if (this.latencies.length === 0) return null;
    const sorted = [...this.latencies].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
  }

  /** "UPSTREAM_ERROR 3, TIMEOUT 1" or "none". */
  describeErrors(): string {
    const entries = [...this.errorsByCode].sort((a, b) => b[1] - a[1]);
    return entries.length === 0 ? 'none' : entries.map(([code, n]) => `${code} ${n}`).join(', ');
  }
}
