import { describe, expect, it } from 'vitest';
import { useLoneGateway } from '../support/lone-gateway.ts';
import { devAuthHeader } from '../support/dev-token.ts';
import { PRODUCTION_ENV } from '../support/production-env.ts';
import { readCorsConfig } from '../../gateway/http/cors.ts';

const preflight = (url: string, origin: string) => fetch(url, {
  method: 'OPTIONS',
  headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,idempotency-key' },
});

describe('CORS in development', () => {
  const gateway = useLoneGateway();

  it('answers a preflight from a localhost page with the methods and headers the gateway accepts, without credentials', async () => {
    const res = await preflight(gateway.url, 'http://localhost:5173');
    expect(res.status).toBe(204);
    expect(Object.fromEntries([...res.headers].filter(([name]) => name.startsWith('access-control-')))).toEqual({
      'access-control-allow-origin': 'http://localhost:5173',
      'access-control-allow-methods': 'GET,POST,OPTIONS',
      'access-control-allow-headers': 'authorization,content-type,idempotency-key,x-request-id,traceparent',
      'access-control-max-age': '600',
      'access-control-expose-headers': 'x-request-id,x-query-cost,ratelimit-limit,ratelimit-remaining,ratelimit-reset,retry-after',
    });
    expect(res.headers.get('vary')).toContain('Origin');
  });

  it('lets any port of 127.0.0.1 read an answer, and the request id and budget headers with it', async () => {
    const res = await fetch(gateway.url, { method: 'POST', headers: { origin: 'http://127.0.0.1:8080', 'content-type': 'application/json', ...await devAuthHeader() }, body: JSON.stringify({ query: '{ __typename }' }) });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:8080');
    expect(res.headers.get('access-control-expose-headers')).toBe('x-request-id,x-query-cost,ratelimit-limit,ratelimit-remaining,ratelimit-reset,retry-after');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('gives another site no CORS headers, so its page cannot read the answer', async () => {
    const res = await preflight(gateway.url, 'https://evil.example');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('still refuses a simple cross-site request (a form-like POST) before anything runs', async () => {
    const res = await fetch(gateway.url, { method: 'POST', headers: { origin: 'http://localhost:5173', 'content-type': 'text/plain' }, body: JSON.stringify({ query: '{ __typename }' }) });
    expect(res.status).toBe(415);
  });
});

describe('CORS in production', () => {
  const closed = useLoneGateway(PRODUCTION_ENV);
  const open = useLoneGateway({ ...PRODUCTION_ENV, CORS_ORIGINS: 'https://app.example.com, https://admin.example.com' });

  it('allows no origin unless CORS_ORIGINS is set, localhost included', async () => {
    expect((await preflight(closed.url, 'http://localhost:5173')).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows exactly the origins in CORS_ORIGINS', async () => {
    expect((await preflight(open.url, 'https://admin.example.com')).headers.get('access-control-allow-origin')).toBe('https://admin.example.com');
    expect((await preflight(open.url, 'https://app.example.com.evil.example')).headers.get('access-control-allow-origin')).toBeNull();
    expect((await preflight(open.url, 'http://localhost:5173')).headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('readCorsConfig', () => {
  it('refuses an entry that is not an origin, naming it', () => {
    expect(() => readCorsConfig({ CORS_ORIGINS: 'https://app.example.com/' }, true)).toThrow('CORS_ORIGINS entries must be origins like https://app.example.com: https://app.example.com/');
    expect(() => readCorsConfig({ CORS_ORIGINS: '*' }, false)).toThrow('CORS_ORIGINS entries must be origins');
  });

  it('turns the localhost default off once origins are given, in development too', () => {
    expect(readCorsConfig({}, false)).toEqual({ origins: [], localhost: true });
    expect(readCorsConfig({ CORS_ORIGINS: 'http://localhost:3000' }, false)).toEqual({ origins: ['http://localhost:3000'], localhost: false });
    expect(readCorsConfig({}, true)).toEqual({ origins: [], localhost: false });
  });
});
