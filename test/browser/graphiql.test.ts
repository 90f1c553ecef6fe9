/**
 * GraphiQL in a real browser, against a stack like `npm start`'s: the page, its development token, an
 * example run, nothing asked of another host; and a page on another origin calling the gateway, with
 * and without its origin in CORS_ORIGINS.
 */
import { createServer, type Server } from 'node:http';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useStack } from '../e2e/harness.ts';
import { devToken } from '../support/dev-token.ts';
import { launchChromium, type Browser } from '../support/chromium.ts';
import { EXAMPLE_CUSTOMER_EMAIL, EXAMPLE_OPERATIONS } from '../../gateway/graphiql/examples.ts';

const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
/** A blank page on an origin of its own (another port), bound before the stack starts so that its port cannot be taken meanwhile. */
async function servePage(): Promise<Server> {
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>app</title>'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}
// Two pages: one on an origin CORS_ORIGINS allows, one not.
const pages: Server[] = [await servePage(), await servePage()];
const [allowedPort, refusedPort] = pages.map((server) => (server.address() as AddressInfo).port);
const allowedOrigin = `http://127.0.0.1:${allowedPort}`;
const t = useStack({ env: { CORS_ORIGINS: allowedOrigin } });

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await Promise.all(pages.map((s) => new Promise((resolve) => s.close(resolve))));
});

/** Monaco renders spaces as U+00A0 and only the lines in view. */
const editorText = (page: Page, selector: string) => page.locator(selector).innerText().then((text) => text.replace(/\u00a0/g, ' '));

describe('GraphiQL', () => {
  it('runs the unified customer example with a development token, asking nothing of another host', async () => {
    const unified = EXAMPLE_OPERATIONS[0];
    const expected = await t.gql(unified.query, JSON.parse(unified.variables!));
    const { name } = expected.body.data.customers.edges[0].node;
    const page = await browser.context.newPage();
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    const gateway = new URL(t.stack.gatewayUrl);

    await page.goto(t.stack.gatewayUrl);
    await page.getByRole('button', { name: 'Development token' }).click();
    const introspected = page.waitForResponse((res) => res.url() === t.stack.gatewayUrl && (res.request().postData() ?? '').includes('__schema') && res.status() === 200);
    await page.getByRole('dialog', { name: 'Development token' }).getByRole('button', { name: 'Use token' }).click();
    await introspected;
    expect(await editorText(page, '.graphiql-editor-tool')).toMatch(/"Authorization": "Bearer eyJ/);
    // The docs come from introspection, which the token's schema:read allows.
    await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
    await expect.poll(() => page.locator('.graphiql-doc-explorer').innerText()).toContain('Query');
    await page.getByRole('button', { name: 'Hide Documentation Explorer' }).click();

    await page.locator('.graphiql-execute-button').click();
    await expect.poll(() => editorText(page, '.result-window'), { timeout: 20_000 }).toContain(`"email": "${EXAMPLE_CUSTOMER_EMAIL}"`);
    const result = await editorText(page, '.result-window');
    expect(result).toContain(`"name": "${name}"`);
    expect(result).not.toContain('"errors"');

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}graphiql.png` });

    // Another example tab gets the token too (its header still held the placeholder), and runs.
    await page.locator('.graphiql-tab-button', { hasText: 'SyncStatus' }).click();
    await expect.poll(() => editorText(page, '.graphiql-editor-tool')).toMatch(/"Authorization": "Bearer eyJ/);
    await expect.poll(() => editorText(page, '.graphiql-query-editor')).toContain('SyncStatus');
    await page.locator('.graphiql-execute-button').click();
    // Right after a tab switch GraphiQL may still send the previous tab's operation name (its editor state
    // settles a moment later), which the gateway refuses as an unknown operation: then it is run once more.
    const settled = /"system": "CRM"|Unknown operation named/;
    await expect.poll(() => editorText(page, '.result-window'), { timeout: 20_000 }).toMatch(settled);
    if ((await editorText(page, '.result-window')).includes('Unknown operation named')) {
      await page.locator('.graphiql-execute-button').click();
    }
    await expect.poll(() => editorText(page, '.result-window'), { timeout: 20_000 }).toContain('"system": "CRM"');
    expect(await editorText(page, '.result-window')).not.toContain('"errors"');

    const elsewhere = requested.filter((url) => !url.startsWith('data:') && new URL(url).host !== gateway.host);
    expect(elsewhere).toEqual([]);
    expect(requested.length).toBeGreaterThan(3);
    await page.close();
  }, 120_000);
});

describe('CORS', () => {
  /** From a page on `origin`, POSTs a query to the gateway with fetch; what the page's script sees. */
  async function fetchFrom(origin: string): Promise<{ data?: unknown; failed?: string }> {
    const page = await browser.context.newPage();
    try {
      await page.goto(`${origin}/`);
      return await page.evaluate(async ({ url, token }) => {
        try {
          const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query: '{ customers(first: 1) { edges { node { id } } } }' }) });
          return { data: (await res.json()).data };
        } catch (err) {
          return { failed: String(err) };
        }
      }, { url: t.stack.gatewayUrl, token: await devToken(['customers:read']) });
    } finally {
      await page.close();
    }
  }

  it('lets a page on an origin in CORS_ORIGINS read the answer', async () => {
    const answer = await fetchFrom(allowedOrigin);
    expect(answer).toEqual({ data: { customers: { edges: [{ node: { id: expect.any(String) } }] } } });
  });

  it('keeps the answer from a page on any other origin, localhost included', async () => {
    expect(await fetchFrom(`http://127.0.0.1:${refusedPort}`)).toEqual({ failed: 'TypeError: Failed to fetch' });
  });
});
