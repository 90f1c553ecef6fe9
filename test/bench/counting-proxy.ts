/** An HTTP proxy in front of the Shopify stand-in that counts the requests it forwards and the ones Shopify answered THROTTLED. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from '../../subgraphs/shared/read-body.ts';

export interface CountingProxy {
  url: string;
  counts(): { requests: number; throttled: number };
  close(): Promise<void>;
}

/** `target()` is read per request: the stand-in starts with the stack, after the proxy. */
export async function startCountingProxy(target: () => string | undefined): Promise<CountingProxy> {
  let requests = 0;
  let throttled = 0;
  const server = createServer(async (req, res) => {
    const body = (await readBody(req, 10_000_000)) ?? '';
    const base = target();
    if (!base) return void res.writeHead(503).end();
    requests += 1;
    const upstream = await fetch(`${base}${req.url}`, {
      method: req.method, body: body || undefined,
      headers: Object.fromEntries(Object.entries(req.headers).filter(([k]) => !['host', 'connection', 'content-length'].includes(k)) as [string, string][]),
    });
    const text = await upstream.text();
    if (text.includes('"THROTTLED"')) throttled += 1;
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' }).end(text);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    counts: () => ({ requests, throttled }),
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
