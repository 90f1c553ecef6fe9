/**
 * Readiness: each part a server needs (its database, the supergraph, each subgraph) checked at once;
 * ready only when every part is. A part's check answers true, or false or a throw for "not ready";
 * the report names the parts, never the error (which could quote a path or a host).
 */
export type ReadinessCheck = Record<string, () => boolean | Promise<boolean>>;

export interface ReadinessReport {
  status: 'ready' | 'not ready';
  parts: Record<string, 'ok' | 'failing'>;
}

export async function readinessReport(check: ReadinessCheck): Promise<ReadinessReport> {
  const names = Object.keys(check);
  const results = await Promise.all(names.map(async (name) => {
    try {
      return (await check[name]()) === true;
    } catch {
      return false;
    }
  }));
  const parts = Object.fromEntries(names.map((name, i) => [name, results[i] ? 'ok' : 'failing'] as const));
  return { status: results.every(Boolean) ? 'ready' : 'not ready', parts };
}
