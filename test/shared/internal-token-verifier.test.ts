/**
 * A subgraph keeps an internal token it verified (the gateway sends the same one for up to 10 s), but
 * never past the moment a fresh verification would refuse it, and never a token that failed.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SignJWT } from 'jose';
import { createInternalTokenVerifier, InternalAuthError } from '../../subgraphs/shared/internal-auth.ts';

const SECRET = 'a-test-secret-that-is-long-enough-for-hs256';
const now = () => Math.floor(Date.now() / 1000);
const sign = (claims: Record<string, unknown>, secret = SECRET) =>
  new SignJWT({ sub: 'gateway-caller', scope: 'pii:read orders:read', iss: 'crm-graph-gateway', aud: 'crm', iat: now(), exp: now() + 30, ...claims })
    .setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret));
const refusal = (promise: Promise<unknown>) => promise.then(() => null, (err: unknown) => err);

afterEach(() => vi.useRealTimers());

describe('the internal token verifier', () => {
  it('accepts a token again while it is valid, and refuses it once a fresh check would', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const verify = createInternalTokenVerifier('crm', { secret: SECRET });
    const token = `Bearer ${await sign({ exp: now() + 20 })}`;
    const first = await verify(token);
    expect(first).toMatchObject({ subject: 'gateway-caller', clientId: null });
    expect([...first.scopes]).toEqual(['pii:read', 'orders:read']);
    vi.advanceTimersByTime(15_000);
    expect(await verify(token)).toEqual(first);
    // Past exp and the 5 s clock tolerance: refused, although it was accepted (and kept) before.
    vi.advanceTimersByTime(11_000);
    expect(await refusal(verify(token))).toBeInstanceOf(InternalAuthError);
  });

  it('refuses a token with another key or for another subgraph every time, whatever it accepted before', async () => {
    const verify = createInternalTokenVerifier('crm', { secret: SECRET });
    await verify(`Bearer ${await sign({})}`);
    for (const token of [await sign({}, 'an-attacker-secret-that-is-long-enough'), await sign({ aud: 'erp' })]) {
      expect(await refusal(verify(`Bearer ${token}`))).toBeInstanceOf(InternalAuthError);
      expect(await refusal(verify(`Bearer ${token}`))).toBeInstanceOf(InternalAuthError);
    }
  });
});
