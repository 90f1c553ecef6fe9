/**
 * Reads Prometheus's text exposition format (the samples only: `name{label="value",…} number`) and
 * answers "what is this series now", so a test can compare two scrapes.
 */
export type Samples = Map<string, number>;

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Keys are `name{a="x",b="y"}` with the labels sorted by name. */
export function parsePrometheus(text: string): Samples {
  const samples: Samples = new Map();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = SAMPLE.exec(line);
    if (!match) throw new Error(`Not a sample line: ${line}`);
    const labels = [...(match[3] ?? '').matchAll(LABEL)].map((m) => [m[1], m[2]] as const);
    samples.set(seriesKey(match[1], Object.fromEntries(labels)), Number(match[4]));
  }
  return samples;
}

export function seriesKey(name: string, labels: Record<string, string> = {}): string {
  const sorted = Object.keys(labels).sort().map((k) => `${k}="${labels[k]}"`);
  return sorted.length === 0 ? name : `${name}{${sorted.join(',')}}`;
}

/** The value of one series (0 when absent, as a counter not yet incremented). */
export function valueOf(samples: Samples, name: string, labels: Record<string, string> = {}): number {
  return samples.get(seriesKey(name, labels)) ?? 0;
}

/** GETs `<base>/metrics` and parses it. */
export async function scrape(baseUrl: string): Promise<Samples> {
  const res = await fetch(new URL('/metrics', baseUrl));
  if (!res.ok) throw new Error(`GET /metrics answered ${res.status}`);
  return parsePrometheus(await res.text());
}

/** Per series, how much it moved from `before` to `after` (only series that moved). */
export function delta(before: Samples, after: Samples, prefix = ''): Record<string, number> {
  const moved: Record<string, number> = {};
  for (const [key, value] of after) {
    if (!key.startsWith(prefix)) continue;
    const change = value - (before.get(key) ?? 0);
    if (change !== 0) moved[key] = change;
  }
  return moved;
}
