/** Internal tokens reused per caller and subgraph (subgraphs/shared/reused-internal-tokens.ts). */
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { reusingInternalTokens } from '../../subgraphs/shared/reused-internal-tokens.ts';
import { createInternalTokenSigner } from '../../subgraphs/shared/internal-token-signer.ts';

describe('reused internal tokens', () => {
  it('signs once per caller claims and subgraph, and never hands one caller\'s token to another', async () => {
    const sign = createInternalTokenSigner({ secret: 'a-test-secret-of-enough-length-1234567890' });
    let signed = 0;
    const tokens = reusingInternalTokens((principal, subgraph) => { signed += 1; return sign(principal, subgraph); });
    const ada = { subject: 'ada', clientId: 'app', scopes: new Set(['customers:read', 'pii:read']) };
    const first = await tokens(ada, 'crm');
    expect(await tokens({ ...ada, scopes: new Set(['pii:read', 'customers:read']) }, 'crm')).toBe(first);
    expect(signed).toBe(1);
    const others = [
      await tokens(ada, 'erp'),
      await tokens({ ...ada, subject: 'bob' }, 'crm'),
      await tokens({ ...ada, clientId: null }, 'crm'),
      await tokens({ ...ada, scopes: new Set(['customers:read']) }, 'crm'),
    ];
    expect(signed).toBe(5);
    expect(new Set([first, ...others]).size).toBe(5);
    expect(decodeJwt(others[1])).toMatchObject({ sub: 'bob', aud: 'crm', client_id: 'app', scope: 'customers:read pii:read' });
    expect(decodeJwt(others[3])).toMatchObject({ sub: 'ada', aud: 'crm', scope: 'customers:read' });
  });

  it('forgets a signing that failed', async () => {
    let calls = 0;
    const tokens = reusingInternalTokens(async () => {
      calls += 1;
      if (calls === 1) throw new Error('no key');
      return 'token';
    });
    const ada = { subject: 'ada', clientId: null, scopes: new Set<string>() };
    await expect(tokens(ada, 'crm')).rejects.toThrow('no key');
    await new Promise((resolve) => setImmediate(resolve));
    expect(await tokens(ada, 'crm')).toBe('token');
  });
});
