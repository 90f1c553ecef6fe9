import { decodeJwt } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { useLoneGateway } from '../support/lone-gateway.ts';
import { PRODUCTION_ENV } from '../support/production-env.ts';
import { SCOPES } from '../../gateway/auth/scopes.ts';

/** What Chromium sends when it navigates to a page. */
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';

const base = (gateway: { url: string }) => gateway.url.replace(/\/graphql$/, '');
const openPage = (url: string) => fetch(url, { headers: { accept: BROWSER_ACCEPT } });
const mint = (gateway: { url: string }, body: unknown, contentType = 'application/json') =>
  fetch(`${base(gateway)}/graphiql/dev-token`, { method: 'POST', headers: { 'content-type': contentType }, body: JSON.stringify(body) });

/** The JSON block the page's script reads its settings from. */
const pageConfig = (html: string) => JSON.parse(/<script id="graphiql-config" type="application\/json">(.*?)<\/script>/.exec(html)![1]);

describe('GraphiQL in development', () => {
  const gateway = useLoneGateway();
  // After a fresh install the first page builds the bundle (seconds, more on a busy machine): not a test's time.
  beforeAll(() => openPage(gateway.url), 120_000);

  it('serves the page to a browser at /graphql and at /, under a CSP that allows only this origin', async () => {
    for (const url of [gateway.url, `${base(gateway)}/`]) {
      const res = await openPage(url);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'; script-src 'self'");
      expect(await res.text()).toMatch(/<script type="module" src="\/graphiql\/[0-9a-f]{16}\/app\.js"><\/script>/);
    }
  });

  it('still answers GraphQL clients at /graphql: JSON, not the page', async () => {
    const res = await fetch(`${gateway.url}?query=${encodeURIComponent('{ __typename }')}`, { headers: { accept: '*/*' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
  });

  it('serves the bundle and its three Monaco workers from the gateway, and nothing else under /graphiql/', async () => {
    const html = await (await openPage(gateway.url)).text();
    const assets = /src="(\/graphiql\/[0-9a-f]{16}\/)app\.js"/.exec(html)![1];
    for (const file of ['app.js', 'app.css', 'editor.worker.js', 'json.worker.js', 'graphql.worker.js']) {
      const res = await fetch(`${base(gateway)}${assets}${file}`);
      expect(res.status, file).toBe(200);
      expect(res.headers.get('content-type'), file).toMatch(file.endsWith('.css') ? /^text\/css/ : /^text\/javascript/);
      expect(res.headers.get('cache-control'), file).toContain('immutable');
      const text = await res.text();
      expect(text.length, file).toBeGreaterThan(10_000);
      // Fonts and icons are inlined: no stylesheet rule points at another host.
      if (file.endsWith('.css')) expect(text).not.toMatch(/url\(\s*['"]?(https?:)?\/\//);
    }
    expect((await fetch(`${base(gateway)}/graphiql/0000000000000000/app.js`)).status).toBe(404);
    expect((await fetch(`${base(gateway)}${assets}secrets.js`)).status).toBe(404);
  });

  it('offers the development token with every scope, schema:read included by default', async () => {
    const config = pageConfig(await (await openPage(gateway.url)).text());
    expect(config).toEqual({ endpoint: '/graphql', devToken: { endpoint: '/graphiql/dev-token', scopes: [...SCOPES], defaultScopes: [...SCOPES] } });
  });

  it('mints a development token with exactly the scopes asked for, which the gateway accepts', async () => {
    const res = await mint(gateway, { scopes: ['schema:read'] });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const { token } = await res.json();
    expect(decodeJwt(token)).toMatchObject({ scope: 'schema:read', sub: 'graphiql-developer', client_id: 'graphiql' });
    const introspection = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query: '{ __schema { queryType { name } } }' }) });
    expect(await introspection.json()).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
  });

  it('refuses to mint for an unknown scope, or from a body that is not JSON', async () => {
    const unknown = await mint(gateway, { scopes: ['customers:read', 'admin'] });
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).error).toContain('Unknown scopes: admin.');
    expect((await mint(gateway, { scopes: ['customers:read'] }, 'text/plain')).status).toBe(415);
    expect((await mint(gateway, ['customers:read'])).status).toBe(400);
  });
});

describe('GraphiQL in development with a secret of its own', () => {
  const gateway = useLoneGateway({ AUTH_HS256_SECRET: 'a-secret-of-our-own-not-the-public-one-0123' });

  it('serves the page without the development token: only the public secret is minted with', async () => {
    expect(pageConfig(await (await openPage(gateway.url)).text())).toEqual({ endpoint: '/graphql', devToken: null });
    expect((await mint(gateway, { scopes: ['schema:read'] })).status).toBe(404);
  });
});

describe('GraphiQL in production', () => {
  const off = useLoneGateway(PRODUCTION_ENV);
  const on = useLoneGateway({ ...PRODUCTION_ENV, GRAPHIQL: 'true' });

  it('is off unless GRAPHIQL=true: a browser gets no page, and nothing is minted', async () => {
    const res = await openPage(off.url);
    expect(res.headers.get('content-type')).not.toContain('text/html');
    expect((await fetch(`${base(off)}/`, { headers: { accept: BROWSER_ACCEPT } })).status).toBe(404);
    expect((await mint(off, { scopes: ['schema:read'] })).status).toBe(404);
  });

  it('with GRAPHIQL=true serves the page, without the development token', async () => {
    const res = await openPage(on.url);
    expect(res.status).toBe(200);
    expect(pageConfig(await res.text())).toEqual({ endpoint: '/graphql', devToken: null });
    expect((await mint(on, { scopes: ['schema:read'] })).status).toBe(404);
  });
});
