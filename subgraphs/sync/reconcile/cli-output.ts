/**
 * What `npm run sync` shows: a progress bar per feed with its system's counts while the pass runs (on
 * a terminal; one line per finished feed otherwise, e.g. in CI logs), then a summary table per system.
 */
import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import type { FeedName, WriteSystem } from '../store/types.ts';
import type { PassProgress, PassSummary } from './pass.ts';

export interface ProgressView {
  update(progress: PassProgress): void;
  stop(): void;
}

/**
 * Bars on a TTY, one per feed, with its system's running counts (the total grows while the feed still
 * has pages: the feeds do not say how many records changed).
 */
export function progressView(stream: NodeJS.WriteStream): ProgressView {
  const counts = (p: PassProgress) => {
    const stats = p.stats[p.feed.split(':')[0] as WriteSystem];
    return { feed: p.feed.padEnd(20), propagated: stats.propagated, discrepancies: stats.discrepanciesFound, failures: stats.failures };
  };
  if (!stream.isTTY) {
    return {
      update: (p) => {
        const c = counts(p);
        if (p.done) stream.write(`${c.feed} ${p.read} read; ${p.feed.split(':')[0]} so far: ${c.propagated} propagated, ${c.discrepancies} discrepancies, ${c.failures} failures\n`);
      },
      stop: () => undefined,
    };
  }
  const format = '{feed} {bar} {value} read | {propagated} propagated | {discrepancies} discrepancies | {failures} failures';
  const bars = new MultiBar({ stream, format, hideCursor: true, clearOnComplete: false }, Presets.shades_classic);
  const byFeed = new Map<FeedName, SingleBar>();
  return {
    update(p) {
      let bar = byFeed.get(p.feed);
      if (!bar) {
        bar = bars.create(1, 0, counts(p));
        byFeed.set(p.feed, bar);
      }
      bar.setTotal(p.done ? Math.max(p.read, 1) : p.read * 2 + 1);
      bar.update(p.read, counts(p));
    },
    stop: () => bars.stop(),
  };
}

const SYSTEMS: WriteSystem[] = ['CRM', 'ERP', 'COMMERCE'];

/** The summary table, then one line with the outcome. */
export function summaryText(summary: PassSummary): string {
  const header = ['system', 'read', 'propagated', 'discrepancies', 'resolved', 'failures'];
  const rows = SYSTEMS.map((system) => {
    const s = summary.stats[system];
    return [system, s.read, s.propagated, s.discrepanciesFound, s.discrepanciesResolved, s.failures].map(String);
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const format = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const seconds = ((summary.finishedAt ?? summary.startedAt) - summary.startedAt) / 1000;
  const mode = summary.dryRun ? 'Dry run (nothing written, no cursor moved)' : 'Pass';
  return [format(header), ...rows.map(format), `${mode} ${summary.status} in ${seconds.toFixed(1)} s.`].join('\n');
}
