/**
 * readThrough's rules where the stack cannot reach them on demand: a read in flight that was offered (a
 * look-ahead) serves a later batch of another request (one upstream call) unless its record was dropped
 * since it was sent; a failed one is asked again; a batch told to asks for its cached keys too when it
 * must ask for others; what an answer made from a batch depends on: a "none" by id, or a search by
 * something else, named only when the rule says so, and a record dropped while read never.
 */
import { describe, expect, it } from 'vitest';
import { createRecordCache } from '../../subgraphs/shared/record-cache/record-cache.ts';
import { readThrough } from '../../subgraphs/shared/record-cache/read-through.ts';
import { crmContactKey } from '../../subgraphs/shared/record-cache/record-keys.ts';
import { upstreamRead, type AnswerDependencies } from '../../subgraphs/shared/record-cache/answer-dependencies.ts';
import { runInScope } from '../../subgraphs/shared/logging/request-scope.ts';

interface Contact { id: string; phone: string }

/** An upstream whose batches are recorded and answered when `release` is called. */
function slowUpstream(phone: () => string) {
  const batches: string[][] = [];
  const waiting: (() => void)[] = [];
  let fail = false;
  const load = async (ids: readonly string[]): Promise<(Contact | null)[]> => {
    batches.push([...ids]);
    await new Promise<void>((resolve) => waiting.push(resolve));
    if (fail) throw new Error('upstream down');
    return ids.map((id) => (id === 'missing' ? null : { id, phone: phone() }));
  };
  return { load, batches, release: () => waiting.splice(0).forEach((go) => go()), failNext: (value: boolean) => { fail = value; } };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('readThrough', () => {
  it('lets a later batch wait for a read still in flight that was offered, instead of asking again', async () => {
    const cache = createRecordCache('CRM', { ttlMs: 60_000, maxEntries: 10 })!;
    const upstream = slowUpstream(() => 'old');
    const batch = readThrough(cache.shelf<Contact>('contact'), { idOf: (id: string) => id, keeps: () => true, joinsInFlight: true }, upstream.load);
    const offering = readThrough(cache.shelf<Contact>('contact'), { idOf: (id: string) => id, keeps: () => true, offersInFlight: true }, upstream.load);
    const ahead = offering(['1', '2', 'missing']);
    const later = batch(['2', 'missing', '3']);
    await tick();
    upstream.release();
    await tick();
    upstream.release();
    expect(await ahead).toEqual([{ id: '1', phone: 'old' }, { id: '2', phone: 'old' }, null]);
    expect(await later).toEqual([{ id: '2', phone: 'old' }, null, { id: '3', phone: 'old' }]);
    expect(upstream.batches).toEqual([['1', '2', 'missing'], ['3']]);
  });

  it('does not join a read sent before its record was dropped (a write was answered meanwhile)', async () => {
    const cache = createRecordCache('CRM', { ttlMs: 60_000, maxEntries: 10 })!;
    let phone = 'old';
    const upstream = slowUpstream(() => phone);
    const batch = readThrough(cache.shelf<Contact>('contact'), { idOf: (id: string) => id, keeps: () => true, joinsInFlight: true, offersInFlight: true }, upstream.load);
    const ahead = batch(['1']);
    await tick();
    phone = 'new';
    cache.drop([crmContactKey('1')]);
    const later = batch(['1']);
    await tick();
    upstream.release();
    await Promise.all([ahead, later]);
    expect(upstream.batches).toEqual([['1'], ['1']]);
    expect(await later).toEqual([{ id: '1', phone: 'new' }]);
  });

  it('asks again for what a joined read failed to get', async () => {
    const cache = createRecordCache('CRM', { ttlMs: 60_000, maxEntries: 10 })!;
    const upstream = slowUpstream(() => 'a');
    const batch = readThrough(cache.shelf<Contact>('contact'), { idOf: (id: string) => id, keeps: () => true, joinsInFlight: true, offersInFlight: true }, upstream.load);
    const ahead = batch(['1']).catch((err: Error) => err.message);
    const later = batch(['1']);
    await tick();
    upstream.failNext(true);
    upstream.release();
    expect(await ahead).toBe('upstream down');
    upstream.failNext(false);
    await tick();
    upstream.release();
    expect(await later).toEqual([{ id: '1', phone: 'a' }]);
    expect(upstream.batches).toEqual([['1'], ['1']]);
  });

  it('fails its batch, without an unhandled rejection, when its own read fails while it waits for a joined one', async () => {
    const cache = createRecordCache('CRM', { ttlMs: 60_000, maxEntries: 10 })!;
    const upstream = slowUpstream(() => 'a');
    const shelf = cache.shelf<Contact>('contact');
    let finish: (value: Contact | null) => void = () => {};
    shelf.share('1', new Promise((resolve) => { finish = resolve; }), shelf.ticket());
    const batch = readThrough(shelf, { idOf: (id: string) => id, keeps: () => true, joinsInFlight: true }, upstream.load);
    const answer = batch(['1', '2']);
    await tick();
    upstream.failNext(true);
    upstream.release();
    await expect(answer).rejects.toThrow('upstream down');
    finish({ id: '1', phone: 'a' });
  });

  it('joins only reads offered, and only when told that answers depend on the id alone', async () => {
    const cache = createRecordCache('CRM', { ttlMs: 60_000, maxEntries: 10 })!;
    const upstream = slowUpstream(() => 'a');
    const shelf = cache.shelf<Contact>('contact');
    const plain = readThrough(shelf, { idOf: (id: string) => id, keeps: () => true, joinsInFlight: true }, upstream.load);
    const offering = readThrough(shelf, { idOf: (id: string) => id, keeps: () => true, offersInFlight: true }, upstream.load);
    const both = [plain(['1']), plain(['1']), offering(['2']), offering(['2'])];
    await tick();
    upstream.release();
    await Promise.all(both);
    expect(upstream.batches).toEqual([['1'], ['1'], ['2'], ['2']]);
  });

  it('asks for cached keys too when it must ask for others and is told to, keeping what it finds', async () => {
    const cache = createRecordCache('CRM', { ttlMs: 60_000, maxEntries: 10 })!;
    const shelf = cache.shelf<Contact>('contact');
    shelf.set('1', { id: '1', phone: 'kept' }, shelf.ticket());
    const upstream = slowUpstream(() => 'fresh');
    const batch = readThrough(shelf, { idOf: (id: string) => id, keeps: () => true, asksAllWithMissing: () => true }, upstream.load);
    // Wholly cached: no request.
    expect(await batch(['1'])).toEqual([{ id: '1', phone: 'kept' }]);
    const answer = batch(['2', '1']);
    await tick();
    upstream.release();
    expect(await answer).toEqual([{ id: '2', phone: 'fresh' }, { id: '1', phone: 'fresh' }]);
    expect(await batch(['1'])).toEqual([{ id: '1', phone: 'fresh' }]);
    expect(upstream.batches).toEqual([['2', '1']]);
  });

  describe('names what an answer used', () => {
    /** Keys are ids, or `email:` searches; the upstream finds every id but 'missing', and one contact by email. */
    const upstream = async (keys: readonly string[]) => {
      upstreamRead();
      return keys.map((k) => (k === 'missing' || k === 'email:nobody' ? null : { id: k.startsWith('email:') ? '9' : k, phone: '1' }));
    };
    const idOf = (k: string) => (k.startsWith('email:') ? null : k);
    type Rule = { namesNone?: boolean; searchNamedBy?: (key: string, found: Contact | null) => (string | null)[] };
    /** A search names its email (the key itself here) and the contact it found. */
    const searchNamedBy = (key: string, found: Contact | null) => [key, found?.id ?? null];
    async function depsOf(rule: Rule, keys: string[], during?: (drop: () => void) => void): Promise<AnswerDependencies> {
      const cache = createRecordCache('CRM', { ttlMs: 60_000, maxEntries: 10 })!;
      const load = async (ks: readonly string[]) => {
        const found = await upstream(ks);
        during?.(() => cache.drop([crmContactKey('1')]));
        return found;
      };
      const batch = readThrough(cache.shelf<Contact>('contact'), { idOf, keeps: () => true, ...rule }, load);
      return runInScope({ requestId: 'r', traceId: '0'.repeat(32), spanId: '0'.repeat(16), flags: '01' }, async (scope) => { await batch(keys); return scope.answer!; });
    }

    it('names a "none" by id by its key only when told to', async () => {
      expect((await depsOf({}, ['1', 'missing'])).unnamed).toBe(true);
      const named = await depsOf({ namesNone: true }, ['1', 'missing']);
      expect(named.unnamed).toBe(false);
      expect([...named.keys]).toEqual(['CRM:contact:1', 'CRM:contact:missing']);
    });

    it('names a search by something else (found or not) by what the rule names only when told to', async () => {
      expect((await depsOf({}, ['1', 'email:ada'])).unnamed).toBe(true);
      const named = await depsOf({ searchNamedBy }, ['1', 'email:ada', 'email:nobody']);
      expect(named.unnamed).toBe(false);
      expect([...named.keys].sort()).toEqual(['CRM:contact:1', 'CRM:contact:9', 'CRM:contact:email:ada', 'CRM:contact:email:nobody']);
    });

    it('never names a record dropped while it was read', async () => {
      const deps = await depsOf({ namesNone: true, searchNamedBy }, ['1', 'email:ada'], (drop) => drop());
      expect(deps.unnamed).toBe(true);
    });
  });
});
