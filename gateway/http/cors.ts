/**
 * CORS for browser apps on other origins (the `cors` package). Which origins: CORS_ORIGINS, else in
 * development any port on localhost, else none. Preflights are answered with the methods and request
 * headers the front door accepts; credentials stay off, since the gateway reads no cookies. Simple
 * cross-site requests are still refused by the front door itself (no JSON body, no Authorization header).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from 'cors';

export interface CorsConfig {
  /** Exact origins allowed (CORS_ORIGINS, comma-separated). */
  origins: string[];
  /** Any port on localhost, 127.0.0.1 or [::1]: the development default when CORS_ORIGINS is not set. */
  localhost: boolean;
}

const LOCALHOST_ORIGIN = /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d{1,5})?$/;
const ALLOWED_HEADERS = ['authorization', 'content-type', 'idempotency-key', 'x-request-id', 'traceparent'];
/** Response headers a page may read: the request id to quote, the caller's budget, the operation's cost. */
const EXPOSED_HEADERS = ['x-request-id', 'x-query-cost', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'retry-after'];

/** CORS_ORIGINS: each entry an origin as a browser sends it (scheme, host, port; no path, no trailing slash). */
export function readCorsConfig(env: NodeJS.ProcessEnv, production: boolean): CorsConfig {
  const raw = env.CORS_ORIGINS;
  if (raw === undefined) return { origins: [], localhost: !production };
  const origins = raw.split(',').map((o) => o.trim()).filter(Boolean);
  for (const origin of origins) {
    if (!URL.canParse(origin) || new URL(origin).origin !== origin) throw new Error(`CORS_ORIGINS entries must be origins like https://app.example.com: ${origin}`);
  }
  return { origins, localhost: false };
}

/**
 * Sets the CORS headers of an answer; true when it answered the request itself (a preflight, OPTIONS).
 * The origin check is static, so the `cors` middleware runs synchronously.
 */
export function createCorsHandler(config: CorsConfig): (req: IncomingMessage, res: ServerResponse) => boolean {
  const middleware = cors({
    origin: [...config.origins, ...(config.localhost ? [LOCALHOST_ORIGIN] : [])],
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: ALLOWED_HEADERS,
    exposedHeaders: EXPOSED_HEADERS,
    credentials: false,
    maxAge: 600,
  });
  return (req, res) => {
    let passed = false;
    middleware(req, res, () => {
      passed = true;
    });
    return !passed;
  };
}
