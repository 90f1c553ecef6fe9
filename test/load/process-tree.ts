/** A process and its descendants (Linux, /proc/<pid>/task/<pid>/children): the gateway with the acceptor process it forks. */
import { readFileSync } from 'node:fs';

export function processTree(pid: number): number[] {
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    // Gone meanwhile, or no /proc: the process alone.
  }
  return [pid, ...children.flatMap(processTree)];
}
