/**
 * Establishes the caller from the request. PLACEHOLDER until the JWT work lands: every request is a
 * development principal with every scope.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Principal } from './principal.ts';

export interface Authenticator {
  /** The verified principal, or throws AuthenticationError. */
  authenticate(headers: IncomingHttpHeaders, url: URL): Promise<Principal>;
}

export function createAuthenticator(): Authenticator {
  const everyone: Principal = { subject: 'anonymous', clientId: null, scopes: new Set(['customers:read', 'pii:read', 'finance:read', 'customers:write', 'orders:write', 'sync:read']) };
  return { authenticate: async () => everyone };
}
