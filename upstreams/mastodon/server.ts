/**
 * The Mastodon stand-in: the REST API 4.3 subset in ../../../shared/UPSTREAMS.md, on the shared stand-in
 * shell (counters, fault injection). It behaves like an instance that disallows unauthenticated API
 * access (DISALLOW_UNAUTHENTICATED_API_ACCESS, as a business deployment would run), so every request needs
 * `Authorization: Bearer <token>`, and it throttles per token with Mastodon's rate-limit headers.
 */
import type { Dataset } from '../dataset/types.ts';
import { startStandIn, type StandIn, type StandInRequest, type StandInResponse } from '../shared/standin.ts';
import { createMastodonStore } from './store.ts';
import { createRateLimiter, type RateLimiter } from './rate-limit.ts';
import { routeMastodon } from './routes.ts';

export interface MastodonStandInOptions {
  dataset: Dataset;
  /** The one access token the instance accepts. */
  credential: string;
  port?: number;
  host?: string;
  /**
   * Requests allowed per token per window. A real instance allows 300 per 5 minutes; the default here is
   * far higher so that tests and benchmarks never trip it. Tests set a small limit to see the 429.
   */
  rateLimit?: { limit?: number; windowMs?: number; now?: () => number };
}

export const DEFAULT_RATE_LIMIT = { limit: 1_000_000, windowMs: 5 * 60_000 };

/** Starts the stand-in on its own copy of `dataset.mastodon`. */
export function startMastodonStandIn(options: MastodonStandInOptions): Promise<StandIn> {
  const store = createMastodonStore(options.dataset.mastodon);
  const limiter = createRateLimiter({ ...DEFAULT_RATE_LIMIT, ...options.rateLimit });
  const tokenOf = (req: StandInRequest) => /^Bearer\s+(\S+)\s*$/i.exec(String(req.headers.authorization ?? ''))?.[1];

  return startStandIn({
    name: 'mastodon',
    port: options.port,
    host: options.host,
    authenticate: (req) => {
      const token = tokenOf(req);
      if (token === options.credential) return null;
      // rack-attack throttles before Doorkeeper looks at the token: a refused request still counts.
      const throttle = limiter.take('unauthenticated');
      if (!throttle.allowed) return tooManyRequests(throttle.headers);
      return token === undefined
        ? { status: 401, body: { error: 'This API requires an authenticated user' }, headers: throttle.headers }
        : {
          status: 401,
          body: { error: 'The access token is invalid' },
          headers: { ...throttle.headers, 'WWW-Authenticate': 'Bearer realm="Doorkeeper", error="invalid_token", error_description="The access token is invalid"' },
        };
    },
    route: (req) => {
      const routed = routeMastodon(store, req);
      return { endpoint: routed.endpoint, response: throttled(limiter, options.credential, routed.response) };
    },
  });
}

/** The route's answer with the token's rate-limit headers, or 429 when the token is over its limit. */
function throttled(limiter: RateLimiter, token: string, response: StandInResponse): StandInResponse {
  const throttle = limiter.take(token);
  if (!throttle.allowed) return tooManyRequests(throttle.headers);
  return { ...response, headers: { ...response.headers, ...throttle.headers } };
}

const tooManyRequests = (headers: Record<string, string>): StandInResponse => ({ status: 429, body: { error: 'Too many requests' }, headers });
