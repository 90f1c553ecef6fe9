/** Samples one process's resident set size from /proc/<pid>/status (Linux) and keeps the peak. */
import { readFileSync } from 'node:fs';

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
    try {
      const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
      return kb === undefined ? null : Number(kb) * 1024;
    } catch {
      return null;
    }
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
