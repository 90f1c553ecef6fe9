/**
 * The gateway's GraphiQL: a browser asking for / or /graphql (GET, preferring text/html) gets the page,
 * its files are served from /graphiql/<bundle key>/, and in development POST /graphiql/dev-token mints
 * tokens for its button. The bundle is loaded (from the disk cache, or built) on the first page asked for.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname } from 'node:path';
import Negotiator from 'negotiator';
import type { AuthConfig } from '../auth/auth-config.ts';
import { SCOPES } from '../auth/scopes.ts';
import { APPLICATION_JSON, GRAPHQL_RESPONSE_JSON } from '../http/media-types.ts';
import type { GraphiQLBundle } from './bundle.ts';
import { answerDevToken, DEV_TOKEN_PATH, mintsDevTokens } from './dev-token-route.ts';
import { GRAPHIQL_CSP, graphiqlPage } from './page.ts';
import type { PageConfig } from './browser/page-config.ts';

export interface GraphiQLOptions {
  production: boolean;
  auth: AuthConfig;
}

/** Answers the request when it is GraphiQL's, returning true; false leaves it to GraphQL. */
export type GraphiQLRoutes = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;

const ASSET_PATH = /^\/graphiql\/([0-9a-f]{16})\/([a-z.]+\.(?:js|css))$/;
const RETRY_FAILED_BUILD_MS = 60_000;
const CONTENT_TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

export function createGraphiQLRoutes(options: GraphiQLOptions): GraphiQLRoutes {
  let bundle: Promise<GraphiQLBundle> | undefined;
  let failedAt: number | null = null;
  const loadBundle = () => {
    // A failed build is remembered for a minute, then tried again: page requests cannot start esbuild
    // over and over. bundle.ts (and esbuild with it) is imported only once a page is asked for.
    if (!bundle || (failedAt !== null && performance.now() - failedAt > RETRY_FAILED_BUILD_MS)) {
      failedAt = null;
      bundle = import('./bundle.ts').then(({ loadGraphiQLBundle }) => loadGraphiQLBundle());
      bundle.catch(() => { failedAt = performance.now(); });
    }
    return bundle;
  };
  const devToken = mintsDevTokens(options.production, options.auth);
  const config: PageConfig = {
    endpoint: '/graphql',
    // The development default grants everything, schema:read included, so the docs work at once.
    devToken: devToken ? { endpoint: DEV_TOKEN_PATH, scopes: [...SCOPES], defaultScopes: [...SCOPES] } : null,
  };

  return async (req, res, url) => {
    if (url.pathname === DEV_TOKEN_PATH && devToken) {
      await answerDevToken(req, res, options.auth);
      return true;
    }
    const isGet = req.method === 'GET' || req.method === 'HEAD';
    const asset = ASSET_PATH.exec(url.pathname);
    if (asset && isGet) {
      const { key, files } = await loadBundle();
      const file = asset[1] === key ? files.get(asset[2]) : undefined;
      if (!file) return false;
      res.writeHead(200, { 'content-type': CONTENT_TYPES[extname(asset[2])], 'content-length': file.length, 'cache-control': 'public, max-age=31536000, immutable', 'x-content-type-options': 'nosniff' });
      res.end(req.method === 'HEAD' ? undefined : file);
      return true;
    }
    if ((url.pathname === '/' || url.pathname === '/graphql') && isGet && prefersHtml(req.headers.accept)) {
      const { key } = await loadBundle();
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8', 'content-security-policy': GRAPHIQL_CSP, 'cache-control': 'no-cache',
        'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', vary: 'Accept',
      });
      res.end(req.method === 'HEAD' ? undefined : graphiqlPage(`/graphiql/${key}/`, config));
      return true;
    }
    return false;
  };
}

/** Whether the Accept header ranks text/html above the GraphQL response types (a browser's navigation does). */
function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  return new Negotiator({ headers: { accept } }).mediaType([GRAPHQL_RESPONSE_JSON, APPLICATION_JSON, 'text/html']) === 'text/html';
}
