import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditLog } from '../../gateway/audit/audit-log.ts';
import { openSqliteAuditLog } from '../../gateway/audit/sqlite-audit-log.ts';
import { startAuditRetention } from '../../gateway/audit/audit-retention.ts';
import { readGatewayConfig } from '../../gateway/config.ts';
import { auditBackends, type AuditPlace } from './support/audit-backends.ts';

const CLI = fileURLToPath(new URL('../../gateway/audit/audit-cli.ts', import.meta.url));
const run = promisify(execFile);

const alice = { subject: 'alice', clientId: 'crm-app', scopes: new Set(['pii:read']) };
const bob = { subject: 'bob', clientId: null, scopes: new Set(['finance:read']) };
const DAY = 24 * 60 * 60 * 1000;

describe.each(auditBackends)('the audit log on $name', (backend) => {
  const places: AuditPlace[] = [];
  const logs: AuditLog[] = [];
  afterEach(async () => {
    await Promise.all(logs.splice(0).map((log) => log.close().catch(() => undefined)));
    await Promise.all(places.splice(0).map((place) => place.drop()));
  });
  const newPlace = async () => {
    const place = await backend.place();
    places.push(place);
    return place;
  };
  const open = async (place: AuditPlace, ...args: Parameters<AuditPlace['open']>) => {
    const log = await place.open(...args);
    logs.push(log);
    return log;
  };
  /** What another connection (another replica, `npm run audit`) finds of a subject's records. */
  const recordsIn = async (place: AuditPlace, subject: string) => {
    const reader = await place.open();
    try {
      return (await reader.bySubject(subject)).map((r) => r.requestId);
    } finally {
      await reader.close();
    }
  };
  const filled = async () => {
    const place = await newPlace();
    let clock = Date.UTC(2026, 10, 25, 9, 0, 0);
    const log = await open(place, () => (clock += 1000));
    await log.record({ principal: alice, requestId: 'r1', fields: ['Customer.phone', 'Customer.email', 'Customer.email'], customerIds: ['C1', 'C2', 'C1'] });
    await log.record({ principal: bob, requestId: 'r2', fields: ['Customer.account'], customerIds: ['C2'] });
    return { place, log };
  };

  it('lists a subject\'s records newest first, with field names and customer ids but no values', async () => {
    const { log } = await filled();
    expect(await log.bySubject('alice')).toEqual([{
      at: '2026-11-25T09:00:01.000Z', requestId: 'r1', subject: 'alice', clientId: 'crm-app',
      fields: ['Customer.email', 'Customer.phone'], customerIds: ['C1', 'C2'],
    }]);
    expect((await log.byCustomer('C2')).map((r) => r.requestId)).toEqual(['r2', 'r1']);
    expect(await log.byCustomer('C3')).toEqual([]);
    expect(await log.bySubject('alice', 0)).toEqual([]);
  });

  it('has written each record before record() resolves when the interval is 0, for any other connection to read', async () => {
    const { place } = await filled();
    expect(await recordsIn(place, 'bob')).toEqual(['r2']);
  });

  it('is listed by npm run audit by customer and by subject', async () => {
    const { place } = await filled();
    const env = { ...process.env, ...place.cliEnv };
    const byCustomer = await run(process.execPath, ['--import', 'tsx', CLI, '--customer', 'C2'], { env });
    expect(byCustomer.stdout.trim().split('\n').map((l) => JSON.parse(l).requestId)).toEqual(['r2', 'r1']);
    expect(byCustomer.stderr).toContain('2 records.');
    const bySubject = await run(process.execPath, ['--import', 'tsx', CLI, '--subject', 'bob'], { env });
    expect(JSON.parse(bySubject.stdout)).toMatchObject({ subject: 'bob', fields: ['Customer.account'], customerIds: ['C2'] });
  });

  it('writes a batch once the interval has passed, each record with the time it was made', async () => {
    const place = await newPlace();
    let clock = Date.UTC(2026, 10, 25, 9, 0, 0);
    const errors: unknown[] = [];
    const log = await open(place, () => (clock += 1000), { flushIntervalMs: 300, onError: (err) => errors.push(err) });
    await log.record({ principal: alice, requestId: 'b1', fields: ['Customer.email'], customerIds: ['C1'] });
    await log.record({ principal: alice, requestId: 'b2', fields: ['Customer.phone'], customerIds: ['C2'] });
    expect(await recordsIn(place, 'alice')).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await recordsIn(place, 'alice')).toEqual(['b2', 'b1']);
    const reader = await open(place);
    expect((await reader.bySubject('alice')).map((r) => r.at)).toEqual(['2026-11-25T09:00:02.000Z', '2026-11-25T09:00:01.000Z']);
    expect((await reader.byCustomer('C2')).map((r) => r.requestId)).toEqual(['b2']);
    expect(errors).toEqual([]);
  });

  it('writes what is pending when closed, and its own reads see pending records', async () => {
    const place = await newPlace();
    const log = await place.open(Date.now, { flushIntervalMs: 60_000, onError: (err) => { throw err; } });
    await log.record({ principal: bob, requestId: 'c1', fields: ['Customer.account'], customerIds: ['C3'] });
    expect(await recordsIn(place, 'bob')).toEqual([]);
    expect((await log.byCustomer('C3')).map((r) => r.requestId)).toEqual(['c1']);
    await log.record({ principal: bob, requestId: 'c2', fields: ['Customer.account'], customerIds: ['C3'] });
    await log.close();
    expect(await recordsIn(place, 'bob')).toEqual(['c2', 'c1']);
  });

  it('writes at once when 1,000 records are waiting, whatever the interval', async () => {
    const place = await newPlace();
    const log = await open(place, Date.now, { flushIntervalMs: 60_000, onError: (err) => { throw err; } });
    for (let i = 0; i < 999; i++) await log.record({ principal: bob, requestId: `d${i}`, fields: ['Customer.account'], customerIds: [`C${i % 7}`] });
    expect(await recordsIn(place, 'bob')).toEqual([]);
    await log.record({ principal: bob, requestId: 'd999', fields: ['Customer.account'], customerIds: [] });
    expect(await recordsIn(place, 'bob')).toHaveLength(100);
    const reader = await open(place);
    expect(await reader.bySubject('bob', 5000)).toHaveLength(1000);
    expect(await reader.byCustomer('C3', 5000)).toHaveLength(143);
  });

  it('keeps writing when a token subject or id carries a NUL character', async () => {
    const place = await newPlace();
    const log = await open(place);
    const odd = { subject: 'eve\u0000x', clientId: 'app\u0000', scopes: new Set<string>() };
    await log.record({ principal: odd, requestId: 'n1', fields: ['Customer.email'], customerIds: ['C\u00001', 'C\uFFFD1'] });
    await log.record({ principal: bob, requestId: 'n2', fields: ['Customer.account'], customerIds: ['C9'] });
    expect(await recordsIn(place, 'bob')).toEqual(['n2']);
    expect((await log.byCustomer('C9')).map((r) => r.requestId)).toEqual(['n2']);
  });

  it('deletes records older than the retention, with their customers, in batches, and keeps newer ones', async () => {
    const place = await newPlace();
    let clock = Date.UTC(2025, 0, 1);
    const log = await open(place, () => clock);
    for (const [i, daysAgo] of [400, 366, 365, 10].entries()) {
      clock = Date.UTC(2026, 0, 1) - daysAgo * DAY;
      await log.record({ principal: alice, requestId: `r${i}`, fields: ['Customer.email'], customerIds: ['C1', `only-${i}`] });
    }
    clock = Date.UTC(2026, 0, 1);
    expect(await log.pruneBefore(clock - 365 * DAY, 1)).toBe(1);
    expect((await log.bySubject('alice')).map((r) => r.requestId)).toEqual(['r3', 'r2', 'r1']);
    const retention = startAuditRetention(log, 365 * DAY, (err) => { throw err; }, () => clock);
    expect(await retention.runOnce()).toEqual({ audit: 1 });
    await retention.stop();

    expect((await log.bySubject('alice')).map((r) => r.requestId)).toEqual(['r3', 'r2']);
    expect(await log.byCustomer('only-0')).toEqual([]);
    expect(await log.byCustomer('only-1')).toEqual([]);
    expect((await log.byCustomer('C1')).map((r) => r.requestId)).toEqual(['r3', 'r2']);
    expect(await recordsIn(place, 'alice')).toEqual(['r3', 'r2']);
  });
});

describe('the audit log\'s npm run audit', () => {
  it('refuses to run without exactly one of --customer and --subject', async () => {
    await expect(run(process.execPath, ['--import', 'tsx', CLI], { env: process.env })).rejects.toMatchObject({ code: 2 });
  });
});

/** Each file of the log's folder with its permission bits. */
const modes = (file: string): Record<string, string> =>
  Object.fromEntries(readdirSync(dirname(file)).map((name) => [name, (statSync(join(dirname(file), name)).mode & 0o777).toString(8)]));

describe('the audit log file (SQLite)', () => {
  const newPath = () => join(mkdtempSync(join(tmpdir(), 'audit-file-')), 'audit.db');

  it('is created readable by the owner alone, with its -wal and -shm', async () => {
    const path = newPath();
    const log = openSqliteAuditLog(path);
    await log.record({ principal: bob, requestId: 'r1', fields: ['Customer.account'], customerIds: ['C3'] });
    expect(modes(path)).toEqual({ 'audit.db': '600', 'audit.db-shm': '600', 'audit.db-wal': '600' });
    await log.close();
  });

  it('is made 0600 when an older version left it readable by others, and so are the -wal and -shm recreated after', async () => {
    const path = newPath();
    await openSqliteAuditLog(path).close();
    chmodSync(path, 0o644);
    const reopened = openSqliteAuditLog(path);
    await reopened.record({ principal: bob, requestId: 'r3', fields: ['Customer.account'], customerIds: ['C3'] });
    expect(modes(path)).toEqual({ 'audit.db': '600', 'audit.db-shm': '600', 'audit.db-wal': '600' });
    await reopened.close();
  });
});

describe('audit settings', () => {
  const defaults = { supergraphPath: 'schema/supergraph.graphql' };

  it('batches for AUDIT_FLUSH_MS, 1 s by default', () => {
    expect(readGatewayConfig({}, defaults).auditFlushMs).toBe(1000);
    expect(readGatewayConfig({ AUDIT_FLUSH_MS: '0' }, defaults).auditFlushMs).toBe(0);
  });

  it('defaults to 365 days and reads AUDIT_RETENTION_DAYS', () => {
    expect(readGatewayConfig({}, defaults).auditRetentionMs).toBe(365 * DAY);
    expect(readGatewayConfig({ AUDIT_RETENTION_DAYS: '90' }, defaults).auditRetentionMs).toBe(90 * DAY);
    expect(() => readGatewayConfig({ AUDIT_RETENTION_DAYS: '0' }, defaults)).toThrow('AUDIT_RETENTION_DAYS must be an integer from 1 to 36500: 0');
  });

  it('keeps the audit log in PostgreSQL when DATABASE_URL is set, and refuses another kind of URL', () => {
    expect(readGatewayConfig({}, defaults).databaseUrl).toBeNull();
    expect(readGatewayConfig({ DATABASE_URL: 'postgres://db/gateway' }, defaults).databaseUrl).toBe('postgres://db/gateway');
    expect(() => readGatewayConfig({ DATABASE_URL: 'mysql://db/gateway' }, defaults)).toThrow('DATABASE_URL must be a postgres:// or postgresql:// URL.');
  });
});
