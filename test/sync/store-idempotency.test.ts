import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IDEMPOTENCY_KEY_TTL_MS, type SyncStore } from '../../subgraphs/sync/store/types.ts';
import { storeBackends } from './support/store-backends.ts';

const T0 = Date.parse('2026-11-20T12:00:00.000Z');
const RESPONSE = { customer: { id: 'Q3VzdG9tZXI6MTAx' }, sync: [{ system: 'CRM', status: 'APPLIED', externalId: '101', message: null }] };

describe.each(storeBackends)('idempotency keys on $name', (backend) => {
  let store: SyncStore;

  beforeEach(async () => {
    store = await backend.open();
  });
  afterEach(async () => { await store.close(); });

  describe('idempotency keys', () => {
    it('keeps a key holding any character, NUL included (callers join their id and the key with one)', async () => {
      await store.claimIdempotencyKey('caller\u0000key-1', 'hash-a', T0);
      await store.completeIdempotencyKey('caller\u0000key-1', RESPONSE);
      expect(await store.claimIdempotencyKey('caller\u0000key-1', 'hash-a', T0 + 10)).toEqual({ state: 'DONE', response: RESPONSE });
      expect(await store.claimIdempotencyKey('caller\u0000key-2', 'hash-a', T0 + 10)).toEqual({ state: 'CLAIMED' });
    });

    it('claims a new key, then reports it IN_PROGRESS to the same request', async () => {
      expect(await store.claimIdempotencyKey('key-1', 'hash-a', T0)).toEqual({ state: 'CLAIMED' });
      expect(await store.claimIdempotencyKey('key-1', 'hash-a', T0 + 10)).toEqual({ state: 'IN_PROGRESS' });
    });

    it('returns the stored response to a repeat of the completed request', async () => {
      await store.claimIdempotencyKey('key-1', 'hash-a', T0);
      await store.completeIdempotencyKey('key-1', RESPONSE);
      expect(await store.claimIdempotencyKey('key-1', 'hash-a', T0 + 10)).toEqual({ state: 'DONE', response: RESPONSE });
    });

    it('refuses the key for a different request, running or completed', async () => {
      await store.claimIdempotencyKey('key-1', 'hash-a', T0);
      expect(await store.claimIdempotencyKey('key-1', 'hash-b', T0)).toEqual({ state: 'MISMATCH' });
      await store.completeIdempotencyKey('key-1', RESPONSE);
      expect(await store.claimIdempotencyKey('key-1', 'hash-b', T0)).toEqual({ state: 'MISMATCH' });
    });

    it('lets a released key be claimed again, by any request', async () => {
      await store.claimIdempotencyKey('key-1', 'hash-a', T0);
      await store.releaseIdempotencyKey('key-1');
      expect(await store.claimIdempotencyKey('key-1', 'hash-b', T0)).toEqual({ state: 'CLAIMED' });
    });

    it('never releases a completed key', async () => {
      await store.claimIdempotencyKey('key-1', 'hash-a', T0);
      await store.completeIdempotencyKey('key-1', RESPONSE);
      await store.releaseIdempotencyKey('key-1');
      expect(await store.claimIdempotencyKey('key-1', 'hash-a', T0)).toEqual({ state: 'DONE', response: RESPONSE });
    });

    it('refuses to complete a key that was not claimed, without naming it', async () => {
      await expect(store.completeIdempotencyKey('secret-key', RESPONSE)).rejects.toThrow(/^The idempotency key to complete is not claimed\.$/);
    });

    it('keys apart keys that differ only in case', async () => {
      await store.claimIdempotencyKey('Key-1', 'hash-a', T0);
      expect(await store.claimIdempotencyKey('key-1', 'hash-b', T0)).toEqual({ state: 'CLAIMED' });
    });
  });

  describe('idempotency key expiry', () => {
    it('keeps a key for 24 hours from its first claim, then treats it as new', async () => {
      expect(IDEMPOTENCY_KEY_TTL_MS).toBe(86_400_000);
      await store.claimIdempotencyKey('key-1', 'hash-a', T0);
      await store.completeIdempotencyKey('key-1', RESPONSE);
      expect(await store.claimIdempotencyKey('key-1', 'hash-b', T0 + IDEMPOTENCY_KEY_TTL_MS - 1)).toEqual({ state: 'MISMATCH' });
      expect(await store.claimIdempotencyKey('key-1', 'hash-b', T0 + IDEMPOTENCY_KEY_TTL_MS)).toEqual({ state: 'CLAIMED' });
      expect(await store.claimIdempotencyKey('key-1', 'hash-a', T0 + IDEMPOTENCY_KEY_TTL_MS)).toEqual({ state: 'MISMATCH' });
    });

    it('purges the keys older than 24 hours and keeps the others', async () => {
      await store.claimIdempotencyKey('old-done', 'h', T0);
      await store.completeIdempotencyKey('old-done', RESPONSE);
      await store.claimIdempotencyKey('old-running', 'h', T0 + 1);
      await store.claimIdempotencyKey('young', 'h', T0 + 1000);
      expect(await store.purgeExpired(T0 + IDEMPOTENCY_KEY_TTL_MS + 1)).toBe(2);
      expect(await store.claimIdempotencyKey('young', 'h', T0 + IDEMPOTENCY_KEY_TTL_MS + 1)).toEqual({ state: 'IN_PROGRESS' });
      expect(await store.claimIdempotencyKey('old-done', 'h', T0 + IDEMPOTENCY_KEY_TTL_MS + 1)).toEqual({ state: 'CLAIMED' });
    });
  });
});
