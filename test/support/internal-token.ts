/** Calling a subgraph directly, as the gateway does: with an internal token signed with the development key. */
import { createInternalTokenSigner } from '../../subgraphs/shared/internal-token-signer.ts';
import { DEV_INTERNAL_TOKEN_SECRET } from '../../subgraphs/shared/config.ts';
import type { InternalAuthConfig } from '../../subgraphs/shared/internal-auth.ts';
import { ALL_SCOPES } from './dev-token.ts';

/** The internal-token key of every subgraph a test starts (the development default). */
export const TEST_INTERNAL_AUTH: InternalAuthConfig = { secret: DEV_INTERNAL_TOKEN_SECRET };

/** startSubgraph's listen options for a test: port 0 on loopback, the development internal key. */
export const TEST_LISTEN = { port: 0, host: '127.0.0.1', internalAuth: TEST_INTERNAL_AUTH };

const sign = createInternalTokenSigner(TEST_INTERNAL_AUTH);

/** `{ authorization: 'Bearer …' }` with an internal token for `subgraph` (its audience) granting `scopes`. */
export async function internalAuthHeader(subgraph: string, scopes: readonly string[] = ALL_SCOPES, subject = 'test-suite'): Promise<{ authorization: string }> {
  return { authorization: `Bearer ${await sign({ subject, clientId: 'test-suite', scopes: new Set(scopes) }, subgraph)}` };
}
