import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../subgraphs/sync/store/sqlite/store.ts';
import { SCHEMA_VERSION } from '../../subgraphs/sync/store/sqlite/schema.ts';
import type { IntentInput } from '../../subgraphs/sync/store/types.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURE = fileURLToPath(new URL('./fixtures/record-intent.ts', import.meta.url));
const T0 = Date.parse('2026-11-20T12:00:00.000Z');
const INTENT: IntentInput = { kind: 'updateCustomer', subjectKey: 'contact:101', request: { phone: '+33142685353' } };
let dir: string;
let path: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sync-store-'));
  path = join(dir, 'nested', 'state', 'sync.db');
});
afterEach(async () => rmSync(dir, { recursive: true, force: true }));

/** Reads the closed database file directly, outside the store. */
function raw<T>(read: (db: Database.Database) => T): T {
  const db = new Database(path);
  try {
    return read(db);
  } finally {
    db.close();
  }
}

describe('the SQLite store on a file', () => {
  it('creates the file, its directories and the schema on first start, in WAL mode', async () => {
    openSqliteStore(path).close();
    expect(raw((db) => db.pragma('journal_mode', { simple: true }))).toBe('wal');
    expect(raw((db) => db.prepare('SELECT version FROM schema_version').all())).toEqual([{ version: SCHEMA_VERSION }]);
    expect(raw((db) => db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).pluck().all()))
      .toEqual(['discrepancies', 'idempotency_keys', 'inbox', 'inbox_applied', 'intents', 'order_rechecks', 'outbox', 'reconcile_runs', 'schema_version', 'sync_cursors', 'sync_failures', 'webhook_receipts']);
  });

  it('keeps intents, entries and idempotency keys across a reopen', async () => {
    const first = openSqliteStore(path, { now: () => T0 });
    const { intent, entries: [crm, erp] } = await first.recordIntent(INTENT, [
      { system: 'CRM', recordKey: 'CRM:contact:101', operation: { n: 1 } },
      { system: 'ERP', recordKey: 'ERP:res.partner:42', operation: { n: 2 } },
    ]);
    await first.markApplied(crm.id, { externalId: '101', wrote: true });
    await first.markRetry(erp.id, 'ERP is unreachable.', T0 + 500);
    await first.claimIdempotencyKey('key-1', 'hash-a', T0);
    await first.completeIdempotencyKey('key-1', { customer: { id: 'Q3VzdG9tZXI6MTAx' } });
    const before = { intent: await first.getIntent(intent.id), entries: await first.intentEntries(intent.id) };
    await first.close();

    const second = openSqliteStore(path);
    expect({ intent: await second.getIntent(intent.id), entries: await second.intentEntries(intent.id) }).toEqual(before);
    expect(before.entries.map((e) => e.status)).toEqual(['APPLIED', 'PENDING']);
    expect(await second.claimIdempotencyKey('key-1', 'hash-a', T0 + 1)).toEqual({ state: 'DONE', response: { customer: { id: 'Q3VzdG9tZXI6MTAx' } } });
    expect((await second.recordIntent(INTENT, [{ system: 'CRM', recordKey: 'CRM:contact:101', operation: {} }])).entries[0].seq).toBe(erp.seq + 1);
    await second.close();
  });

  it('releases what the previous instance held: its intents go to the worker, its unfinished keys are forgotten', async () => {
    const first = openSqliteStore(path, { now: () => T0, instanceId: 'first' });
    const { entries: [entry] } = await first.recordIntent(INTENT, [{ system: 'ERP', recordKey: 'ERP:res.partner:42', operation: {} }]);
    await first.claimIdempotencyKey('key-1', 'hash-a', T0);
    expect(await first.dueEntries(T0, 10)).toEqual([]);
    await first.close();

    const second = openSqliteStore(path, { instanceId: 'second' });
    expect(await second.dueEntries(T0, 10)).toEqual([entry]);
    expect(await second.claimIdempotencyKey('key-1', 'hash-a', T0 + 1)).toEqual({ state: 'CLAIMED' });
    await second.close();
  });

  it('answers a key whose request recorded its intent before the process died with that write\'s answer', async () => {
    const first = openSqliteStore(path, { now: () => T0, instanceId: 'first' });
    await first.claimIdempotencyKey('key-1', 'hash-a', T0);
    const { intent } = await first.recordIntent(INTENT, [{ system: 'ERP', recordKey: 'ERP:res.partner:42', operation: {} }], { key: 'key-1', response: (intentId) => ({ writeId: intentId }) });
    await first.close();

    const second = openSqliteStore(path, { instanceId: 'second' });
    expect(await second.claimIdempotencyKey('key-1', 'hash-b', T0 + 1)).toEqual({ state: 'MISMATCH' });
    expect(await second.claimIdempotencyKey('key-1', 'hash-a', T0 + 1)).toEqual({ state: 'DONE', response: { writeId: intent.id } });
    await second.close();
  });

  it('refuses a second opener while the file is open, and leaves the first one working', async () => {
    const first = openSqliteStore(path);
    expect(() => openSqliteStore(path)).toThrow(`The sync database ${path} is in use by another process.`);
    expect(await first.claimIdempotencyKey('key-1', 'hash-a', T0)).toEqual({ state: 'CLAIMED' });
    await first.close();
  });

  it('refuses a database written by newer code', async () => {
    openSqliteStore(path).close();
    raw((db) => db.prepare('UPDATE schema_version SET version = 99').run());
    expect(() => openSqliteStore(path)).toThrow(`The sync database has schema version 99, newer than this code knows (${SCHEMA_VERSION}).`);
  });
});

describe('the migration that adds UNRECOGNISED_COUNTRY', () => {
  const finding = (contactId: string, kind: 'FIELD_MISMATCH' | 'UNRECOGNISED_COUNTRY' = 'FIELD_MISMATCH') => ({
    kind, system: 'CRM' as const, field: 'address.country', canonicalValue: null, sourceValue: 'Narnia', contactId, orderId: null, detail: {},
  });

  it('keeps the discrepancies, their ids and the sequence past deleted ones, and takes the new kind', async () => {
    let store = openSqliteStore(path);
    for (const id of ['1', '2', '3']) await store.recordFindings(`customer:${id}`, { kinds: ['FIELD_MISMATCH'], systems: ['CRM'] }, [finding(id)], T0);
    await store.close();
    // As a database written before the migration (the 6th): the newest discrepancy deleted (retention), the version before it.
    raw((db) => { db.prepare('DELETE FROM discrepancies WHERE seq = 3').run(); db.prepare('UPDATE schema_version SET version = 5').run(); });
    store = openSqliteStore(path);
    expect((await store.discrepancies({}, null, 10)).map((d) => [d.seq, d.contactId])).toEqual([[1, '1'], [2, '2']]);
    await store.recordFindings('customer:4', { kinds: ['UNRECOGNISED_COUNTRY'], systems: ['CRM'] }, [finding('4', 'UNRECOGNISED_COUNTRY')], T0);
    expect((await store.discrepancies({}, null, 10)).map((d) => [d.seq, d.kind])).toEqual([[1, 'FIELD_MISMATCH'], [2, 'FIELD_MISMATCH'], [4, 'UNRECOGNISED_COUNTRY']]);
    await store.close();
  });
});

describe('durability', () => {
  it('keeps an intent recorded just before the process was killed with SIGKILL, and releases its key', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, path], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const { intentId } = await firstLine(child);
    const exit = new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    child.kill('SIGKILL');
    expect(await exit).toBe('SIGKILL');
    // Nothing was checkpointed: what follows is recovered from the write-ahead log.
    expect(existsSync(`${path}-wal`)).toBe(true);

    const store = openSqliteStore(path);
    expect(await store.getIntent(intentId)).toMatchObject({ id: intentId, ...INTENT, status: 'OPEN', completedAt: null });
    const entries = await store.intentEntries(intentId);
    expect(entries.map((e) => [e.system, e.recordKey, e.operation, e.status, e.attempts])).toEqual([
      ['CRM', 'CRM:contact:101', { n: 1 }, 'PENDING', 0],
      ['ERP', 'ERP:res.partner:42', { n: 2 }, 'PENDING', 0],
    ]);
    expect(await store.dueEntries(Date.now(), 10)).toEqual(entries);
    expect(await store.claimIdempotencyKey('key-1', 'hash-a', Date.now())).toEqual({ state: 'CLAIMED' });
    await store.close();
  });
});

/** Each file of the database's folder with its permission bits, e.g. { 'sync.db': '600' }. */
const modes = (file: string): Record<string, string> =>
  Object.fromEntries(readdirSync(dirname(file)).map((name) => [name, (statSync(join(dirname(file), name)).mode & 0o777).toString(8)]));

describe('file modes', () => {
  it('creates the database and its write-ahead log readable by the owner alone, and its folder 0700', async () => {
    const store = openSqliteStore(path);
    await store.recordIntent(INTENT, [{ system: 'CRM', recordKey: 'CRM:contact:101', operation: {} }]);
    // locking_mode = EXCLUSIVE keeps the WAL index in memory: there is no -shm file to protect.
    expect(modes(path)).toEqual({ 'sync.db': '600', 'sync.db-wal': '600' });
    expect((statSync(dirname(path)).mode & 0o777).toString(8)).toBe('700');
    await store.close();
  });

  it('recreates the write-ahead log 0600 on the next open', async () => {
    openSqliteStore(path).close();
    expect(existsSync(`${path}-wal`)).toBe(false);
    const store = openSqliteStore(path);
    await store.claimIdempotencyKey('key-1', 'hash-a', T0);
    expect(modes(path)).toEqual({ 'sync.db': '600', 'sync.db-wal': '600' });
    await store.close();
  });

  it('makes a database and a write-ahead log left readable by others (by an older version, after a kill) 0600 when opened', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, path], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    await firstLine(child);
    const exit = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exit;
    for (const file of [path, `${path}-wal`]) chmodSync(file, 0o644);
    expect(modes(path)).toEqual({ 'sync.db': '644', 'sync.db-wal': '644' });

    const store = openSqliteStore(path);
    expect(modes(path)).toEqual({ 'sync.db': '600', 'sync.db-wal': '600' });
    await store.close();
  });
});

/** The JSON line the fixture prints once recordIntent has returned. */
function firstLine(child: ChildProcess): Promise<{ intentId: string }> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      if (out.includes('\n')) resolve(JSON.parse(out.slice(0, out.indexOf('\n'))));
    });
    child.stderr!.on('data', (chunk) => (err += chunk));
    child.once('exit', (code) => reject(new Error(`The fixture exited (${code}) before recording: ${err}`)));
  });
}
