/**
 * The sync service's news of changed records over HTTP (subgraphs/shared/record-cache/http-invalidation.ts),
 * to real servers on port 0 standing in for a read subgraph and a gateway: each owning subgraph gets its
 * own keys under an internal token for it, then each gateway gets every key and whether every owner
 * confirmed its drop first (`ownersDropped`, so that the gateway need not drop its answers again later).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpInvalidation } from '../../subgraphs/shared/record-cache/http-invalidation.ts';
import { createInternalTokenVerifier } from '../../subgraphs/shared/internal-auth.ts';
import { crmContactKey, erpPartnerKey } from '../../subgraphs/shared/record-cache/record-keys.ts';
import { TEST_INTERNAL_AUTH } from '../support/internal-token.ts';

interface Received { path: string; audience: string | null; body: unknown }

/** A server recording each post; `status` is what it answers. */
async function recorder(audience: string): Promise<{ base: string; received: Received[]; status: { value: number }; server: Server }> {
  const received: Received[] = [];
  const status = { value: 204 };
  const verify = createInternalTokenVerifier(audience, TEST_INTERNAL_AUTH);
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', async () => {
      const ok = await verify(req.headers.authorization).then(() => true, () => false);
      received.push({ path: req.url!, audience: ok ? audience : null, body: JSON.parse(text) });
      res.writeHead(status.value).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, status, server };
}

let crm: Awaited<ReturnType<typeof recorder>>;
let gateway: Awaited<ReturnType<typeof recorder>>;
const deliveries: string[] = [];

beforeAll(async () => {
  [crm, gateway] = await Promise.all([recorder('crm'), recorder('gateway')]);
});
afterAll(() => {
  crm.server.close();
  gateway.server.close();
});

const invalidation = () => createHttpInvalidation({
  targets: { CRM: crm.base }, gateways: [gateway.base], internalAuth: TEST_INTERNAL_AUTH, timeoutMs: 1000,
  onDelivery: (system, result) => deliveries.push(`${system} ${result}`),
});

describe('record invalidation over HTTP', () => {
  it('tells the owning subgraph its keys, then the gateway every key and that the owners dropped them', async () => {
    await invalidation().publish([crmContactKey('1')]);
    expect(crm.received).toEqual([{ path: '/internal/record-invalidation', audience: 'crm', body: { keys: [crmContactKey('1')] } }]);
    expect(gateway.received).toEqual([{ path: '/internal/record-invalidation', audience: 'gateway', body: { keys: [crmContactKey('1')], ownersDropped: true } }]);
    expect(deliveries.splice(0)).toEqual(['CRM delivered', 'GATEWAY delivered']);
  });

  it('does not say the owners dropped keys of a system whose subgraph it has no URL for', async () => {
    await invalidation().publish([crmContactKey('4'), erpPartnerKey('5')]);
    expect(crm.received.at(-1)!.body).toEqual({ keys: [crmContactKey('4')] });
    expect(gateway.received.at(-1)!.body).toEqual({ keys: [crmContactKey('4'), erpPartnerKey('5')], ownersDropped: false });
    expect(deliveries.splice(0)).toEqual(['CRM delivered', 'GATEWAY delivered']);
  });

  it('tells the gateway the owners did not all drop them when a subgraph refused', async () => {
    crm.status.value = 500;
    const news = invalidation();
    await news.publish([crmContactKey('2')]);
    await news.publish([crmContactKey('3')]);
    crm.status.value = 204;
    expect(gateway.received.slice(2).map((r) => r.body)).toEqual([
      { keys: [crmContactKey('2')], ownersDropped: false },
      { keys: [crmContactKey('3')], ownersDropped: false },
    ]);
    expect(deliveries.splice(0)).toEqual(['CRM failed', 'GATEWAY delivered', 'CRM failed', 'GATEWAY delivered']);
  });
});
