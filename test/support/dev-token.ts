/** Client tokens for tests, signed with the development secret the gateway accepts by default. */
import { DEV_AUTH_HS256_SECRET } from '../../gateway/auth/auth-config.ts';
import { signDevToken, type DevTokenOptions } from '../../gateway/auth/dev-token.ts';
import { SCOPES } from '../../gateway/auth/scopes.ts';

/** Every scope a client token may carry (gateway/auth/scopes.ts), schema:read included. */
export const ALL_SCOPES: readonly string[] = SCOPES;

/** A development token granting `scopes` (all by default), valid for an hour. */
export function devToken(scopes: readonly string[] = ALL_SCOPES, options: Partial<DevTokenOptions> = {}): Promise<string> {
  return signDevToken(DEV_AUTH_HS256_SECRET, { subject: 'test-suite', clientId: 'test-suite', ttl: '1h', ...options, scopes: [...scopes] });
}

/** `{ authorization: 'Bearer …' }` with devToken(scopes). */
export async function devAuthHeader(scopes: readonly string[] = ALL_SCOPES, options: Partial<DevTokenOptions> = {}): Promise<{ authorization: string }> {
  return { authorization: `Bearer ${await devToken(scopes, options)}` };
}
