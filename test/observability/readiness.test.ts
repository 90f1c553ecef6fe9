/**
 * /healthz and /readyz with each subgraph in its own process: the gateway is ready while every part
 * is, not ready (503, naming the part) while a subgraph is stopped, and ready again once it is back.
 */
import { describe, expect, it } from 'vitest';
import { useSubgraphProcesses, SUBGRAPH_NAMES } from '../support/subgraph-processes.ts';

const s = useSubgraphProcesses();

const gatewayBase = () => s.gatewayUrl.replace(/\/graphql$/, '');
const get = async (url: string) => {
  const res = await fetch(url);
  return { status: res.status, body: await res.json() };
};

const allOk = {
  supergraph: 'ok', auditDatabase: 'ok',
  ...Object.fromEntries(SUBGRAPH_NAMES.map((name) => [`subgraph:${name}`, 'ok'])),
};

describe('GET /readyz', () => {
  it('is ready with every part ok while all subgraphs run', async () => {
    expect(await get(`${gatewayBase()}/readyz`)).toEqual({ status: 200, body: { status: 'ready', parts: allOk } });
  });

  it("reports each subgraph's own readiness: the sync subgraph's database", async () => {
    expect(await get(`http://127.0.0.1:${s.ports.sync}/readyz`)).toEqual({ status: 200, body: { status: 'ready', parts: { http: 'ok', database: 'ok' } } });
    expect(await get(`http://127.0.0.1:${s.ports.crm}/readyz`)).toEqual({ status: 200, body: { status: 'ready', parts: { http: 'ok' } } });
  });

  it('turns 503 naming the subgraph while it is stopped, and 200 once it is back; /healthz stays 200', async () => {
    await s.kill('erp');
    expect(await get(`${gatewayBase()}/readyz`)).toEqual({ status: 503, body: { status: 'not ready', parts: { ...allOk, 'subgraph:erp': 'failing' } } });
    expect(await get(`${gatewayBase()}/healthz`)).toEqual({ status: 200, body: { status: 'ok' } });

    await s.start('erp');
    expect(await get(`${gatewayBase()}/readyz`)).toEqual({ status: 200, body: { status: 'ready', parts: allOk } });
  }, 120_000);
});
