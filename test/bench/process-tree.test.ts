/**
 * What the benches count as one process's resources: the process and its descendants (the gateway and the
 * acceptor process it forks), over /proc.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { processTree } from '../load/process-tree.ts';
import { sampleRss } from '../load/rss.ts';
import { cpuSeconds } from '../load/cpu.ts';

let parent: ChildProcess | undefined;
let grandchild: number | undefined;
// The child too: killed with its parent gone, it would run on, orphaned, after the tests.
afterEach(() => {
  parent?.kill('SIGKILL');
  if (grandchild !== undefined) try { process.kill(grandchild, 'SIGKILL'); } catch { /* gone already */ }
});

/** A node process that forks one child, which busies itself for `busyMs`, and says the child's pid on stdout. */
async function startParentWithChild(busyMs: number): Promise<{ parentPid: number; childPid: number }> {
  const child = `const until = Date.now() + ${busyMs}; while (Date.now() < until); setInterval(() => {}, 1000);`;
  parent = spawn(process.execPath, ['-e', `const c = require('node:child_process').spawn(process.execPath, ['-e', ${JSON.stringify(child)}], { stdio: 'ignore' }); console.log(c.pid); setInterval(() => {}, 1000);`], { stdio: ['ignore', 'pipe', 'inherit'] });
  const childPid = await new Promise<number>((resolve) => parent!.stdout!.once('data', (chunk: Buffer) => resolve(Number(String(chunk).trim()))));
  grandchild = childPid;
  return { parentPid: parent.pid!, childPid };
}

describe('a process with a child of its own', () => {
  it('counts as both: their pids, the parent\'s resident memory with the child\'s own pages, and the CPU the child spent', async () => {
    const { parentPid, childPid } = await startParentWithChild(300);
    expect(processTree(parentPid)).toEqual([parentPid, childPid]);
    // The child's busy 300 ms are the parent's too.
    await expect.poll(() => cpuSeconds(childPid)!, { timeout: 5000 }).toBeGreaterThanOrEqual(0.2);
    expect(cpuSeconds(parentPid)!).toBeGreaterThanOrEqual(cpuSeconds(childPid)!);
    // Once the child has run (its pages are in): the parent's resident memory and the child's own (anonymous)
    // pages, not its copy of the node binary's, which the parent maps too.
    const kb = (pid: number, field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
    const both = sampleRss(parentPid);
    const tree = both.currentBytes()!;
    both.stop();
    expect(tree).toBeGreaterThan(kb(parentPid, 'VmRSS') + kb(childPid, 'RssAnon') / 2);
    expect(tree).toBeLessThan(kb(parentPid, 'VmRSS') + kb(childPid, 'VmRSS') - 10 * 1024 * 1024);
  });

  it('is the process alone once it has none, and nothing for a pid that is gone', () => {
    expect(processTree(process.pid).slice(0, 1)).toEqual([process.pid]);
    expect(processTree(2 ** 22 + 1)).toEqual([2 ** 22 + 1]);
    expect(cpuSeconds(2 ** 22 + 1)).toBeNull();
  });
});
