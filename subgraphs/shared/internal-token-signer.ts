/**
 * The short-lived tokens the subgraphs accept: the verified caller's `sub`, `client_id` and `scope`,
 * signed with INTERNAL_TOKEN_SECRET (a key apart from any client key), `aud` the subgraph's name. The
 * gateway signs one per subgraph call (the caller's raw token never leaves it); the reconciliation CLI
 * signs its own. Verified by internal-auth.ts.
 */
import { SignJWT } from 'jose';
import { INTERNAL_TOKEN_ISSUER, type InternalAuthConfig } from './internal-auth.ts';

/** Whom a token speaks for: the gateway's verified Principal has this shape. */
export interface TokenSubject {
  subject: string;
  clientId: string | null;
  scopes: ReadonlySet<string>;
}

/** Long enough for one subgraph fetch (the subgraph timeout is 10 s by default), well under the 60 s subgraphs accept. */
const LIFETIME_S = 30;

/** An internal token for one call to `subgraph` on behalf of `principal`. */
export type InternalTokenSigner = (principal: TokenSubject, subgraph: string) => Promise<string>;

/**
 * Signs afresh for every call, and no cache means no token of one caller can ever be handed to another
 * (the gateway reuses them per exact claims: subgraphs/shared/reused-internal-tokens.ts). The
 * secret is imported as a WebCrypto key once: given raw bytes, jose imports them again on every signing.
 */
export function createInternalTokenSigner(config: InternalAuthConfig): InternalTokenSigner {
  let key: Promise<CryptoKey> | undefined;
  const hmacKey = () => (key ??= crypto.subtle.importKey('raw', new TextEncoder().encode(config.secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']));
  return async (principal, subgraph) =>
    new SignJWT({ scope: [...principal.scopes].join(' '), ...(principal.clientId === null ? {} : { client_id: principal.clientId }) })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(principal.subject)
      .setIssuer(INTERNAL_TOKEN_ISSUER)
      .setAudience(subgraph)
      .setIssuedAt()
      .setExpirationTime(`${LIFETIME_S}s`)
      .sign(await hmacKey());
}
