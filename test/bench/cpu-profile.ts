/**
 * Reads a V8 `.cpuprofile` (what `node --cpu-prof` writes at exit) and adds up the self time of its samples
 * taken within a window of the monotonic clock (so that start-up is left out), by function and by module
 * (an npm package, a project directory, or Node's own code).
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  /** Sampled time within the window, idle and garbage collection included, ms. */
  totalMs: number;
  idleMs: number;
  gcMs: number;
  byFunction: Map<string, number>;
  byModule: Map<string, number>;
  /** Time with the module anywhere on the stack (each sample counted once per module). */
  byModuleInclusive: Map<string, number>;
  byFunctionInclusive: Map<string, number>;
}

/** `fromUs`/`toUs`: the window, in microseconds of the monotonic clock (`process.hrtime.bigint() / 1000n`). */
export function summarizeProfile(path: string, fromUs: number, toUs: number, projectRoot: string): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const summary: ProfileSummary = { totalMs: 0, idleMs: 0, gcMs: 0, byFunction: new Map(), byModule: new Map(), byModuleInclusive: new Map(), byFunctionInclusive: new Map() };
  const add = (map: Map<string, number>, key: string, ms: number) => map.set(key, (map.get(key) ?? 0) + ms);
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i];
    // A sample's time is the gap to the next one.
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    if (at < fromUs || at > toUs) continue;
    const frame = nodes.get(profile.samples[i])!.callFrame;
    summary.totalMs += ms;
    if (frame.functionName === '(idle)') { summary.idleMs += ms; continue; }
    if (frame.functionName === '(garbage collector)') summary.gcMs += ms;
    const module = moduleOf(frame.url, projectRoot);
    add(summary.byModule, module, ms);
    add(summary.byFunction, functionName(frame, projectRoot), ms);
    const modules = new Set<string>();
    const functions = new Set<string>();
    for (let id: number | undefined = profile.samples[i]; id !== undefined; id = parents.get(id)) {
      const caller = nodes.get(id)!.callFrame;
      // The program's own code only: every stack starts in Node's internals.
      if (caller.url === '' || caller.url.startsWith('node:')) continue;
      modules.add(moduleOf(caller.url, projectRoot));
      functions.add(functionName(caller, projectRoot));
    }
    for (const m of modules) add(summary.byModuleInclusive, m, ms);
    for (const f of functions) add(summary.byFunctionInclusive, f, ms);
  }
  return summary;
}

const functionName = (frame: ProfileNode['callFrame'], projectRoot: string) =>
  `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url, projectRoot)}:${frame.lineNumber + 1}`;

function moduleOf(url: string, projectRoot: string): string {
  if (url === '') return '(native/gc)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const local = shortUrl(url, projectRoot);
  const parts = local.split('/');
  return parts.length > 2 ? `${parts[0]}/${parts[1]}` : local;
}

function shortUrl(url: string, projectRoot: string): string {
  const path = url.replace(/^file:\/\//, '');
  const pkg = path.lastIndexOf('node_modules/');
  if (pkg >= 0) return path.slice(pkg + 'node_modules/'.length);
  return path.startsWith(projectRoot) ? path.slice(projectRoot.length + 1) : path;
}
