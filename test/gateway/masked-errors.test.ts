import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readGatewayConfig } from '../../gateway/config.ts';
import { startGateway, type RunningGateway } from '../../gateway/gateway.ts';
import { createLogger } from '../../gateway/logger.ts';
import { devAuthHeader } from '../support/dev-token.ts';

describe('an error the gateway masks', () => {
  let subgraph: Server;
  let gateway: RunningGateway;
  const logFile = join(mkdtempSync(join(tmpdir(), 'masked-')), 'gateway.log');

  beforeAll(async () => {
    // A CRM subgraph that answers every request with an error whose code is in no registry.
    subgraph = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
        data: { customer: null }, errors: [{ message: 'lookup failed for ada@example.com', path: ['customer'], extensions: { code: 'SOMETHING_ODD' } }],
      }));
    });
    await new Promise<void>((resolve) => subgraph.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(subgraph.address() as AddressInfo).port}/graphql`;
    const config = readGatewayConfig({ PORT: '0', CRM_SUBGRAPH_URL: url, AUDIT_DB_PATH: ':memory:' }, { supergraphPath: fileURLToPath(new URL('../../schema/supergraph.graphql', import.meta.url)) });
    gateway = await startGateway(config, createLogger('info', logFile));
  });
  afterAll(async () => {
    await gateway?.close();
    subgraph?.close();
  });

  it('answers INTERNAL_SERVER_ERROR without its message, and logs one line saying where, without the message', async () => {
    const res = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', ...(await devAuthHeader()) }, body: JSON.stringify({ query: '{ customer(id: "x") { name } }' }) });
    const body = await res.json();
    expect(body.errors).toEqual([{ message: 'Internal error.', path: ['customer'], extensions: { code: 'INTERNAL_SERVER_ERROR', serviceName: 'crm' } }]);
    const lines = readFileSync(logFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const masked = lines.filter((l) => l.msg === 'masked an internal error');
    expect(masked).toEqual([expect.objectContaining({ level: 50, path: ['customer'], code: 'SOMETHING_ODD', serviceName: 'crm' })]);
    expect(readFileSync(logFile, 'utf8')).not.toContain('ada@example.com');
  });
});
