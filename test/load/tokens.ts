/** Development tokens as `npm run token` signs them, one subject per simulated client (budgets are per subject). */
import { readAuthConfig } from '../../gateway/auth/auth-config.ts';
import { signDevToken } from '../../gateway/auth/dev-token.ts';

/** The README's example scopes: enough for the unified-customer query and the heavy one. */
export const LOAD_SCOPES = ['customers:read', 'pii:read', 'finance:read'];

export type TokenFor = (subject: string) => Promise<string>;

/** Signs with the secret the gateway child will read from the same env (AUTH_HS256_SECRET or the development one). */
export function devTokens(env: NodeJS.ProcessEnv): TokenFor {
  const auth = readAuthConfig(env);
  if (auth.hs256Secret === null) throw new Error('npm run load signs HS256 development tokens: unset AUTH_JWKS_URL / AUTH_JWKS_FILE or set AUTH_HS256_SECRET.');
  const secret = auth.hs256Secret;
  return (subject) => signDevToken(secret, { scopes: LOAD_SCOPES, subject, ttl: '1h', issuer: auth.issuer, audience: auth.audience });
}
