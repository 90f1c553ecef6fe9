/**
 * Internal tokens reused for a few seconds per caller and subgraph: signing one (jose over WebCrypto,
 * a thread-pool round trip) cost more CPU than anything else the gateway did per subgraph call. A
 * token is reused only for a call carrying exactly the claims it was signed with (the caller's `sub`,
 * `client_id`, every scope, the subgraph as `aud`), so no caller is ever given another's; it is
 * replaced while it still has most of its 30 s lifetime left, well over what a call needs to arrive.
 */
import { LRUCache } from 'lru-cache';
import type { InternalTokenSigner, TokenSubject } from './internal-token-signer.ts';

/** How long one signed token is handed out; it then still has at least 20 s of its 30 s to live. */
const REUSE_MS = 10_000;
/** Callers × subgraphs remembered at once (the least recently used are forgotten first). */
const MAX_TOKENS = 10_000;

export function reusingInternalTokens(sign: InternalTokenSigner): InternalTokenSigner {
  const tokens = new LRUCache<string, Promise<string>>({ max: MAX_TOKENS, ttl: REUSE_MS });
  return (principal, subgraph) => {
    const key = claimsKey(principal, subgraph);
    let token = tokens.get(key);
    if (!token) {
      token = sign(principal, subgraph);
      tokens.set(key, token);
      // A failed signing is not remembered: the next call tries again.
      token.catch(() => tokens.delete(key));
    }
    return token;
  };
}

/**
 * The caller's part of the claims as JSON, per principal object (a principal never changes, and the
 * authenticator hands out the same one for the same token).
 */
const callerKeys = new WeakMap<TokenSubject, string>();

/** Every claim a token carries but its times, unambiguously (each part is JSON, which ends where it ends). */
function claimsKey(principal: TokenSubject, subgraph: string): string {
  let caller = callerKeys.get(principal);
  if (caller === undefined) callerKeys.set(principal, (caller = JSON.stringify([principal.subject, principal.clientId, [...principal.scopes].sort()])));
  return JSON.stringify(subgraph) + caller;
}
