/**
 * Mastodon's API throttle (rack-attack): a fixed number of requests per token in windows aligned to the
 * clock (300 per 5 minutes by default on a real instance). Every response carries X-RateLimit-Limit,
 * -Remaining and -Reset (the window's end, ISO-8601 with microseconds, as Ruby's `iso8601(6)` prints it);
 * over the limit the answer is 429 `{"error":"Too many requests"}` with the same headers.
 */

export interface RateLimitOptions {
  /** Requests per window and token. */
  limit: number;
  windowMs: number;
  /** The clock, for tests. */
  now?: () => number;
}

export interface RateLimitDecision {
  allowed: boolean;
  headers: Record<string, string>;
}

export interface RateLimiter {
  /** Counts one request for `key` (a token, or the client address when there is none). */
  take(key: string): RateLimitDecision;
}

export function createRateLimiter(options: RateLimitOptions): RateLimiter {
  if (!Number.isInteger(options.limit) || options.limit <= 0) throw new Error(`rateLimit.limit must be a positive integer: ${options.limit}`);
  if (!Number.isInteger(options.windowMs) || options.windowMs <= 0) throw new Error(`rateLimit.windowMs must be a positive integer: ${options.windowMs}`);
  const now = options.now ?? Date.now;
  const windows = new Map<string, { start: number; count: number }>();

  return {
    take(key) {
      const time = now();
      const start = time - (time % options.windowMs);
      const current = windows.get(key);
      const window = current && current.start === start ? current : { start, count: 0 };
      window.count += 1;
      windows.set(key, window);
      return {
        allowed: window.count <= options.limit,
        headers: {
          'X-RateLimit-Limit': String(options.limit),
          'X-RateLimit-Remaining': String(Math.max(options.limit - window.count, 0)),
          'X-RateLimit-Reset': new Date(start + options.windowMs).toISOString().replace(/Z$/, '000Z'),
        },
      };
    },
  };
}
