import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { openSqliteAuditLog } from '../../gateway/audit/sqlite-audit-log.ts';
import { startAuditRetention } from '../../gateway/audit/audit-retention.ts';
import { readGatewayConfig } from '../../gateway/config.ts';

const CLI = fileURLToPath(new URL('../../gateway/audit/audit-cli.ts', import.meta.url));
const run = promisify(execFile);

const alice = { subject: 'alice', clientId: 'crm-app', scopes: new Set(['pii:read']) };
const bob = { subject: 'bob', clientId: null, scopes: new Set(['finance:read']) };

function filledLog() {
  const path = join(mkdtempSync(join(tmpdir(), 'audit-test-')), 'audit.db');
  let clock = Date.UTC(2026, 10, 25, 9, 0, 0);
  const log = openSqliteAuditLog(path, () => (clock += 1000));
  log.record({ principal: alice, requestId: 'r1', fields: ['Customer.phone', 'Customer.email', 'Customer.email'], customerIds: ['C1', 'C2'] });
  log.record({ principal: bob, requestId: 'r2', fields: ['Customer.account'], customerIds: ['C2'] });
  return { path, log };
}

describe('the audit log', () => {
  it('lists a subject\'s records newest first, with field names and customer ids but no values', () => {
    const { log } = filledLog();
    expect(log.bySubject('alice')).toEqual([{
      at: '2026-11-25T09:00:01.000Z', requestId: 'r1', subject: 'alice', clientId: 'crm-app',
      fields: ['Customer.email', 'Customer.phone'], customerIds: ['C1', 'C2'],
    }]);
    expect(log.byCustomer('C2').map((r) => r.requestId)).toEqual(['r2', 'r1']);
    expect(log.byCustomer('C3')).toEqual([]);
    log.close();
  });

  it('keeps its records across a reopen of the file', () => {
    const { path, log } = filledLog();
    log.close();
    const reopened = openSqliteAuditLog(path);
    expect(reopened.byCustomer('C1')).toHaveLength(1);
    reopened.close();
  });

  it('is listed by npm run audit by customer and by subject', async () => {
    const { path, log } = filledLog();
    log.close();
    const env = { ...process.env, AUDIT_DB_PATH: path };
    const byCustomer = await run(process.execPath, ['--import', 'tsx', CLI, '--customer', 'C2'], { env });
    expect(byCustomer.stdout.trim().split('\n').map((l) => JSON.parse(l).requestId)).toEqual(['r2', 'r1']);
    expect(byCustomer.stderr).toContain('2 records.');
    const bySubject = await run(process.execPath, ['--import', 'tsx', CLI, '--subject', 'bob'], { env });
    expect(JSON.parse(bySubject.stdout)).toMatchObject({ subject: 'bob', fields: ['Customer.account'], customerIds: ['C2'] });
  });

  it('refuses to run without exactly one of --customer and --subject', async () => {
    await expect(run(process.execPath, ['--import', 'tsx', CLI], { env: process.env })).rejects.toMatchObject({ code: 2 });
  });
});

describe('the audit log in batches', () => {
  const recordsIn = (path: string, subject: string) => {
    const reader = openSqliteAuditLog(path);
    try {
      return reader.bySubject(subject).map((r) => r.requestId);
    } finally {
      reader.close();
    }
  };

  it('writes its records once the interval has passed, each with the time it was made', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'audit-batch-')), 'audit.db');
    let clock = Date.UTC(2026, 10, 25, 9, 0, 0);
    const errors: unknown[] = [];
    const log = openSqliteAuditLog(path, () => (clock += 1000), { flushIntervalMs: 300, onError: (err) => errors.push(err) });
    log.record({ principal: alice, requestId: 'b1', fields: ['Customer.email'], customerIds: ['C1'] });
    log.record({ principal: alice, requestId: 'b2', fields: ['Customer.phone'], customerIds: ['C2'] });
    // Another connection (as `npm run audit` would be) sees nothing yet.
    expect(recordsIn(path, 'alice')).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(recordsIn(path, 'alice')).toEqual(['b2', 'b1']);
    const reader = openSqliteAuditLog(path);
    expect(reader.bySubject('alice').map((r) => r.at)).toEqual(['2026-11-25T09:00:02.000Z', '2026-11-25T09:00:01.000Z']);
    reader.close();
    expect(errors).toEqual([]);
    log.close();
  });

  it('writes what is pending when closed, and its own reads see pending records', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'audit-batch-')), 'audit.db');
    const log = openSqliteAuditLog(path, Date.now, { flushIntervalMs: 60_000, onError: (err) => { throw err; } });
    log.record({ principal: bob, requestId: 'c1', fields: ['Customer.account'], customerIds: ['C3'] });
    expect(recordsIn(path, 'bob')).toEqual([]);
    expect(log.byCustomer('C3').map((r) => r.requestId)).toEqual(['c1']);
    log.record({ principal: bob, requestId: 'c2', fields: ['Customer.account'], customerIds: ['C3'] });
    log.close();
    expect(recordsIn(path, 'bob')).toEqual(['c2', 'c1']);
  });

  it('writes at once when 1,000 records are waiting, whatever the interval', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'audit-batch-')), 'audit.db');
    const log = openSqliteAuditLog(path, Date.now, { flushIntervalMs: 60_000, onError: (err) => { throw err; } });
    for (let i = 0; i < 999; i++) log.record({ principal: bob, requestId: `d${i}`, fields: ['Customer.account'], customerIds: [] });
    expect(recordsIn(path, 'bob')).toEqual([]);
    log.record({ principal: bob, requestId: 'd999', fields: ['Customer.account'], customerIds: [] });
    expect(recordsIn(path, 'bob')).toHaveLength(100);
    log.close();
  });
});

const DAY = 24 * 60 * 60 * 1000;
/** Each file of the log's folder with its permission bits. */
const modes = (file: string): Record<string, string> =>
  Object.fromEntries(readdirSync(dirname(file)).map((name) => [name, (statSync(join(dirname(file), name)).mode & 0o777).toString(8)]));

describe('the audit log file', () => {
  it('is created readable by the owner alone, with its -wal and -shm', () => {
    const { path, log } = filledLog();
    expect(modes(path)).toEqual({ 'audit.db': '600', 'audit.db-shm': '600', 'audit.db-wal': '600' });
    log.close();
  });

  it('is made 0600 when an older version left it readable by others, and so are the -wal and -shm recreated after', () => {
    const { path, log } = filledLog();
    log.close();
    chmodSync(path, 0o644);
    const reopened = openSqliteAuditLog(path);
    reopened.record({ principal: bob, requestId: 'r3', fields: ['Customer.account'], customerIds: ['C3'] });
    expect(modes(path)).toEqual({ 'audit.db': '600', 'audit.db-shm': '600', 'audit.db-wal': '600' });
    reopened.close();
  });
});

describe('audit retention', () => {
  it('deletes records older than the retention, with their customers, and keeps newer ones', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'audit-retention-')), 'audit.db');
    let clock = Date.UTC(2025, 0, 1);
    const log = openSqliteAuditLog(path, () => clock);
    for (const [i, daysAgo] of [400, 366, 365, 10].entries()) {
      clock = Date.UTC(2026, 0, 1) - daysAgo * DAY;
      log.record({ principal: alice, requestId: `r${i}`, fields: ['Customer.email'], customerIds: ['C1', `only-${i}`] });
    }
    clock = Date.UTC(2026, 0, 1);
    const retention = startAuditRetention(log, 365 * DAY, (err) => { throw err; }, () => clock);
    await retention.runOnce();
    await retention.stop();

    expect(log.bySubject('alice').map((r) => r.requestId)).toEqual(['r3', 'r2']);
    expect(log.byCustomer('only-0')).toEqual([]);
    expect(log.byCustomer('only-1')).toEqual([]);
    expect(log.byCustomer('C1').map((r) => r.requestId)).toEqual(['r3', 'r2']);
    log.close();
  });

  it('batches for AUDIT_FLUSH_MS, 1 s by default', () => {
    const defaults = { supergraphPath: 'schema/supergraph.graphql' };
    expect(readGatewayConfig({}, defaults).auditFlushMs).toBe(1000);
    expect(readGatewayConfig({ AUDIT_FLUSH_MS: '0' }, defaults).auditFlushMs).toBe(0);
  });

  it('defaults to 365 days and reads AUDIT_RETENTION_DAYS', () => {
    const defaults = { supergraphPath: 'schema/supergraph.graphql' };
    expect(readGatewayConfig({}, defaults).auditRetentionMs).toBe(365 * DAY);
    expect(readGatewayConfig({ AUDIT_RETENTION_DAYS: '90' }, defaults).auditRetentionMs).toBe(90 * DAY);
    expect(() => readGatewayConfig({ AUDIT_RETENTION_DAYS: '0' }, defaults)).toThrow('AUDIT_RETENTION_DAYS must be an integer from 1 to 36500: 0');
  });
});
