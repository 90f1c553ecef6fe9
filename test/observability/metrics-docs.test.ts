/**
 * The README's metrics table lists exactly the metrics the gateway, a subgraph and the sync service
 * register (not the default process metrics), each with its type and labels: the docs cannot drift.
 */
import { readFileSync } from 'node:fs';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createGatewayMetrics } from '../../gateway/observability/gateway-metrics.ts';
import { createSubgraphMetrics } from '../../subgraphs/shared/observability/subgraph-metrics.ts';
import { createSyncMetrics } from '../../subgraphs/sync/observability/sync-metrics.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The default metrics prom-client adds to every registry, documented in one sentence. */
const DEFAULT_METRIC = /^(process|nodejs)_/;

interface Row { type: string; labels: string[] }

function documented(): Record<string, Row> {
  const section = readme.split('### Metrics\n')[1].split('\n### ')[0];
  const rows = [...section.matchAll(/^\| `([a-z_]+)` \| (counter|gauge|histogram) \| ([^|]+) \| .+ \|$/gm)];
  return Object.fromEntries(rows.map((m) => [m[1], { type: m[2], labels: [...m[3].matchAll(/`([a-z_]+)`/g)].map((l) => l[1]) }]));
}

function registered(): Record<string, Row> {
  const sync = new Registry();
  createSyncMetrics(sync);
  const registries = [createGatewayMetrics().registry, createSubgraphMetrics('crm').registry, sync];
  const metrics = registries.flatMap((r) => r.getMetricsAsArray()) as unknown as { name: string; type: string; labelNames: string[] }[];
  return Object.fromEntries(metrics.filter((m) => !DEFAULT_METRIC.test(m.name)).map((m) => [m.name, { type: m.type, labels: [...m.labelNames] }]));
}

describe('the README metrics table', () => {
  it('documents every registered metric with its type and labels, and no other', () => {
    const rows = documented();
    expect(Object.keys(rows).length).toBeGreaterThan(10);
    expect(rows).toEqual(registered());
  });
});
