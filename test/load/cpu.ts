/** CPU time a process and its descendants (the gateway's acceptor) have used so far (user + system), from /proc/<pid>/stat (Linux); null elsewhere. */
import { readFileSync } from 'node:fs';
import { processTree } from './process-tree.ts';

/** Clock ticks per second of /proc/<pid>/stat: USER_HZ, 100 on every Linux Node runs on. */
const TICKS_PER_SECOND = 100;

export function cpuSeconds(pid: number): number | null {
  const each = processTree(pid).map(ownCpuSeconds);
  return each[0] === null ? null : each.reduce<number>((sum, seconds) => sum + (seconds ?? 0), 0);
}

function ownCpuSeconds(pid: number): number | null {
  try {
    // Fields after the command name (which may hold spaces, hence the last ')'): utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(')').pop()!.trim().split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}
