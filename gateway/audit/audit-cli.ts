/**
 * `npm run audit -- --customer <id>` or `--subject <sub>` [`--limit N`]: lists who was served which
 * personal or financial fields, newest first, one JSON record per line. Reads the gateway's PostgreSQL
 * at DATABASE_URL when set, else AUDIT_DB_PATH (default .data/audit.db).
 */
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { defaultAuditPath } from '../config.ts';
import { readDatabaseUrl } from '../../subgraphs/shared/database-url.ts';
import { openGatewayDatabase } from '../database/open-database.ts';
import type { AuditLog, AuditRecord } from './audit-log.ts';
import { openSqliteAuditLog } from './sqlite-audit-log.ts';
import { openPostgresAuditLog } from './postgres-audit-log.ts';

const usage = 'Usage: npm run audit -- --customer <customer id> | --subject <token subject> [--limit N]';

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ options: { customer: { type: 'string' }, subject: { type: 'string' }, limit: { type: 'string', default: '100' } } }));
  } catch (err) {
    console.error(`${(err as Error).message}\n${usage}`);
    return 2;
  }
  const limit = Number(values.limit);
  if ((values.customer === undefined) === (values.subject === undefined) || !Number.isInteger(limit) || limit <= 0) {
    console.error(usage);
    return 2;
  }
  const read = (log: AuditLog) => (values.customer !== undefined ? log.byCustomer(values.customer, limit) : log.bySubject(values.subject!, limit));
  const databaseUrl = readDatabaseUrl(process.env);
  let records: AuditRecord[];
  if (databaseUrl !== null) {
    const pool = await openGatewayDatabase(databaseUrl);
    try {
      records = await read(openPostgresAuditLog(pool));
    } finally {
      await pool.end();
    }
  } else {
    const path = process.env.AUDIT_DB_PATH ?? defaultAuditPath();
    if (!existsSync(path)) {
      console.error(`No audit log at ${path} yet: nothing has been served.`);
      return 0;
    }
    const log = openSqliteAuditLog(path);
    try {
      records = await read(log);
    } finally {
      await log.close();
    }
  }
  for (const record of records) console.log(JSON.stringify(record));
  console.error(`${records.length} record${records.length === 1 ? '' : 's'}.`);
  return 0;
}

process.exitCode = await main();
