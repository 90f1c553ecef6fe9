/** Samples the resident set size of a process and its descendants (the gateway's acceptor) from /proc/<pid>/status (Linux), and keeps the peak. */
import { readFileSync } from 'node:fs';
import { processTree } from './process-tree.ts';

export interface RssSampler {
  /** Forgets the peak so far (one peak per phase). */
  resetPeak(): void;
  /** Highest VmRSS seen since the last reset, in bytes; null where /proc cannot be read. */
  peakBytes(): number | null;
  /** VmRSS now, in bytes. */
  currentBytes(): number | null;
  stop(): void;
}

export function sampleRss(pid: number, everyMs = 100): RssSampler {
  let peak: number | null = null;
  const read = (): number | null => {
    const each = processTree(pid).map(ownRss);
    return each[0] === null ? null : each.reduce<number>((sum, bytes) => sum + (bytes ?? 0), 0);
  };
  const sample = () => {
    const now = read();
    if (now !== null && (peak === null || now > peak)) peak = now;
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    resetPeak: () => { peak = null; sample(); },
    peakBytes: () => { sample(); return peak; },
    currentBytes: read,
    stop: () => clearInterval(timer),
  };
}

function ownRss(pid: number): number | null {
  try {
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? null : Number(kb) * 1024;
  } catch {
    return null;
  }
}
