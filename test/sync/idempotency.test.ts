import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GraphQLError } from 'graphql';
import { requestFingerprint, withIdempotency, type IdempotencyOptions } from '../../subgraphs/sync/writes/idempotency.ts';
import { openSqliteStore } from '../../subgraphs/sync/store/sqlite/store.ts';
import { withDeadline } from '../../subgraphs/shared/deadline.ts';
import type { SyncStore } from '../../subgraphs/sync/store/types.ts';

const T0 = Date.parse('2026-11-20T12:00:00.000Z');
let store: SyncStore;
let options: IdempotencyOptions;

beforeEach(async () => {
  store = openSqliteStore(':memory:');
  options = { store, now: () => T0, waitMs: 0, pollMs: 1 };
});
afterEach(async () => { await store.close(); });

/** Runs `args` under `key` and returns what it answered, or the error code it failed with. */
async function send(key: string, mutation: string, args: unknown): Promise<unknown> {
  try {
    return await withIdempotency(options, key, mutation, args, async () => ({ ran: args }));
  } catch (err) {
    return (err as GraphQLError).extensions.code;
  }
}

describe('requestFingerprint', () => {
  it('tells a field sent as null from a field left out', async () => {
    expect(requestFingerprint('updateCustomer', { input: { phone: '+1', company: null } }))
      .not.toBe(requestFingerprint('updateCustomer', { input: { phone: '+1' } }));
  });

  it('tells a nested address part sent as null from one left out', async () => {
    expect(requestFingerprint('updateCustomer', { input: { address: { city: 'Paris', line2: null } } }))
      .not.toBe(requestFingerprint('updateCustomer', { input: { address: { city: 'Paris' } } }));
    expect(requestFingerprint('updateCustomer', { input: { address: null } }))
      .not.toBe(requestFingerprint('updateCustomer', { input: {} }));
  });

  it('does not depend on the order of keys at any depth', async () => {
    expect(requestFingerprint('updateCustomer', { id: 'A', expectedVersion: 'v', input: { phone: '+1', address: { city: 'Paris', country: 'FR' } } }))
      .toBe(requestFingerprint('updateCustomer', { input: { address: { country: 'FR', city: 'Paris' }, phone: '+1' }, expectedVersion: 'v', id: 'A' }));
  });

  it('covers the mutation name and every argument', async () => {
    const base = { id: 'A', expectedVersion: 'v1', reason: 'fraud' };
    const fingerprint = requestFingerprint('cancelOrder', base);
    expect(requestFingerprint('updateCustomer', base)).not.toBe(fingerprint);
    expect(requestFingerprint('cancelOrder', { ...base, id: 'B' })).not.toBe(fingerprint);
    expect(requestFingerprint('cancelOrder', { ...base, expectedVersion: 'v2' })).not.toBe(fingerprint);
    expect(requestFingerprint('cancelOrder', { ...base, reason: null })).not.toBe(fingerprint);
  });

  it('carries its version, so a stored hash says how it was made', async () => {
    expect(requestFingerprint('createCustomer', { input: { email: 'a@example.com' } })).toMatch(/^v2:[0-9a-f]{64}$/);
  });
});

describe('withIdempotency', () => {
  it('refuses a key first sent with a null field and then without it, with IDEMPOTENCY_KEY_REUSED', async () => {
    expect(await send('k1', 'updateCustomer', { id: 'A', input: { phone: '+1', company: null } })).toEqual({ ran: { id: 'A', input: { phone: '+1', company: null } } });
    expect(await send('k1', 'updateCustomer', { id: 'A', input: { phone: '+1' } })).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('replays the first answer to the same input sent with its keys in another order', async () => {
    const first = await send('k2', 'updateCustomer', { id: 'A', input: { phone: '+1', address: { city: 'Paris', line2: null } } });
    let ranAgain = false;
    const again = await withIdempotency(options, 'k2', 'updateCustomer', { input: { address: { line2: null, city: 'Paris' }, phone: '+1' }, id: 'A' }, async () => {
      ranAgain = true;
      return null;
    });
    expect(again).toEqual(first);
    expect(ranAgain).toBe(false);
  });

  it('answers a key stored with the unversioned hash of before v2 with its stored outcome', async () => {
    // What v1 stored: a bare SHA-256 of the input with nulls dropped and keys sorted.
    const v1 = createHash('sha256').update(JSON.stringify({ mutation: 'updateCustomer', args: { id: 'A', input: { phone: '+1' } } })).digest('hex');
    await store.claimIdempotencyKey('k3', v1, T0);
    await store.completeIdempotencyKey('k3', { ok: 'stored before the upgrade' });
    expect(await send('k3', 'updateCustomer', { input: { phone: '+1' }, id: 'A' })).toBe('stored before the upgrade');
    expect(await send('k3', 'updateCustomer', { id: 'A', input: { phone: '+2' } })).toBe('IDEMPOTENCY_KEY_REUSED');
  });
});

describe('a repeat waiting for the first request', () => {
  it('gives up with IDEMPOTENCY_KEY_IN_USE when its own deadline comes, however long IDEMPOTENCY_WAIT_MS is', async () => {
    const waiting = { store, now: Date.now, waitMs: 60_000, pollMs: 5 };
    let finishFirst = () => {};
    const first = withIdempotency(waiting, 'slow', 'updateCustomer', { id: 'A' }, () => new Promise<string>((resolve) => { finishFirst = () => resolve('done'); }));
    const started = Date.now();
    const repeat = withDeadline({ deadline: Date.now() + 200, now: Date.now, callTimeoutMs: 1_000 }, () => withIdempotency(waiting, 'slow', 'updateCustomer', { id: 'A' }, async () => 'ran again'));
    await expect(repeat).rejects.toMatchObject({ extensions: { code: 'IDEMPOTENCY_KEY_IN_USE' } });
    expect(Date.now() - started).toBeLessThan(2_000);
    finishFirst();
    expect(await first).toBe('done');
  });
});
