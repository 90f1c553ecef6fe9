import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { openSqliteAuditLog } from '../../gateway/audit/sqlite-audit-log.ts';

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
