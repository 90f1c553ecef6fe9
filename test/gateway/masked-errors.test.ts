import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { devAuthHeader } from '../support/dev-token.ts';
import { useFakeSubgraph, useLoneGateway } from '../support/lone-gateway.ts';

describe('an error the gateway masks', () => {
  const logFile = join(mkdtempSync(join(tmpdir(), 'masked-')), 'gateway.log');
  // A CRM subgraph that answers every request with an error whose code is in no registry.
  const crm = useFakeSubgraph((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
      data: { customer: null }, errors: [{ message: 'lookup failed for ada@example.com', path: ['customer'], extensions: { code: 'SOMETHING_ODD' } }],
    }));
  });
  const gateway = useLoneGateway(() => ({ CRM_SUBGRAPH_URL: crm.url }), logFile);

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
