/**
 * Subgraphs trust only the gateway: every GraphQL request must carry the gateway's internal token
 * (HS256 under INTERNAL_TOKEN_SECRET, `iss` crm-graph-gateway, `aud` this subgraph's name, at most 60 s
 * long). It holds the claims the gateway verified on the caller's token, never that token itself.
 * The verified caller rides in the request context under `auth`; read it with `principalOf(context)`.
 */
import { errors, jwtVerify } from 'jose';
import { LRUCache } from 'lru-cache';

/** The `iss` of every internal token. */
export const INTERNAL_TOKEN_ISSUER = 'crm-graph-gateway';
/** The longest lifetime (`exp` - `iat`) a subgraph accepts, in seconds. */
export const INTERNAL_TOKEN_MAX_LIFETIME_S = 60;
/** Gateway and subgraph clocks may differ this much (seconds). */
const CLOCK_TOLERANCE_S = 5;

export interface InternalAuthConfig {
  /** HS256 key shared by the gateway (signs) and the subgraphs (verify). */
  secret: string;
}

/** The caller as the gateway verified it. */
export interface SubgraphPrincipal {
  subject: string;
  clientId: string | null;
  scopes: ReadonlySet<string>;
}

/** The context key under which a subgraph's resolvers find the verified caller. */
export const AUTH_CONTEXT_KEY = 'auth';

/** A request a subgraph refuses with HTTP 401 and UNAUTHENTICATED. */
export class InternalAuthError extends Error {
  override readonly name = 'InternalAuthError';
}

/** Verifies the `authorization` header of a request to the subgraph `audience`; throws InternalAuthError. */
export type InternalTokenVerifier = (authorization: string | undefined) => Promise<SubgraphPrincipal>;

export function createInternalTokenVerifier(audience: string, config: InternalAuthConfig): InternalTokenVerifier {
  const key = new TextEncoder().encode(config.secret);
  // The gateway sends the same token for up to 10 s (subgraphs/shared/reused-internal-tokens.ts);
  // verifying its HMAC once, not on every call (a thread-pool round trip each), saves a few per cent of
  // each subgraph's CPU. An entry lives no longer than the token would pass a fresh check without the
  // clock tolerance, so a cached token is never accepted when a fresh verification would refuse it.
  // Judged by Date.now(), the clock jose checks exp and iat against.
  const verified = new LRUCache<string, { principal: SubgraphPrincipal; untilMs: number }>({ max: VERIFIED_TOKENS_KEPT });
  return async (authorization) => {
    const token = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(authorization ?? '')?.[1];
    if (!token) throw new InternalAuthError('This subgraph serves only the gateway: no internal token was presented.');
    const known = verified.get(token);
    if (known && Date.now() < known.untilMs) return known.principal;
    try {
      const { payload } = await jwtVerify(token, key, {
        algorithms: ['HS256'], issuer: INTERNAL_TOKEN_ISSUER, audience, requiredClaims: ['exp', 'iat', 'sub'],
        maxTokenAge: INTERNAL_TOKEN_MAX_LIFETIME_S, clockTolerance: CLOCK_TOLERANCE_S,
      });
      if ((payload.exp as number) - (payload.iat as number) > INTERNAL_TOKEN_MAX_LIFETIME_S) throw new InternalAuthError('The internal token lives too long.');
      const principal: SubgraphPrincipal = {
        subject: String(payload.sub),
        clientId: typeof payload.client_id === 'string' ? payload.client_id : null,
        scopes: new Set(typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : []),
      };
      const untilMs = Math.min(payload.exp as number, (payload.iat as number) + INTERNAL_TOKEN_MAX_LIFETIME_S) * 1000;
      if (untilMs > Date.now()) verified.set(token, { principal, untilMs });
      else verified.delete(token);
      return principal;
    } catch (err) {
      if (err instanceof InternalAuthError) throw err;
      if (err instanceof errors.JOSEError) throw new InternalAuthError('This subgraph serves only the gateway: the internal token is not valid.');
      throw err;
    }
  };
}

/** Distinct internal tokens whose verification a subgraph keeps (a few per caller's scope set and subgraph in 10 s). */
const VERIFIED_TOKENS_KEPT = 1_000;

/** The context with the verified caller under AUTH_CONTEXT_KEY. */
export function withPrincipal<Context extends object>(context: Context, principal: SubgraphPrincipal): Context & { auth: SubgraphPrincipal } {
  return { ...context, [AUTH_CONTEXT_KEY]: principal } as Context & { auth: SubgraphPrincipal };
}

/** The verified caller of this request, or null when the context has none (which grants nothing). */
export function principalOf(context: unknown): SubgraphPrincipal | null {
  const auth = (context as Record<string, unknown> | null | undefined)?.[AUTH_CONTEXT_KEY];
  return auth && typeof auth === 'object' && (auth as SubgraphPrincipal).scopes instanceof Set ? auth as SubgraphPrincipal : null;
}
