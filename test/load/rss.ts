/**
 * Samples the resident memory of a process with what its descendants (the gateway's acceptor) have of their
 * own, from /proc/<pid>/status (Linux), and keeps the peak: the process's VmRSS, plus each descendant's
 * anonymous (and shared-memory) resident pages. A descendant's file-backed pages are left out: they are
 * the `node` binary's and its libraries', which the process maps already (41 of an acceptor's 50 MB), and
 * adding its VmRSS would count them twice.
 */
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
    const [root, ...descendants] = processTree(pid);
    const own = residentKb(root, ['VmRSS']);
    if (own === null) return null;
    return (own + descendants.reduce((sum, child) => sum + (residentKb(child, ['RssAnon', 'RssShmem']) ?? 0), 0)) * 1024;
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

/** The sum of these kB fields of /proc/<pid>/status; null when the process is gone (or a field is missing). */
function residentKb(pid: number, fields: string[]): number | null {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const values = fields.map((field) => new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
  return values.includes(undefined) ? null : values.reduce((sum, kb) => sum + Number(kb), 0);
}
