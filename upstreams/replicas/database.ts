/** Before any replica starts: the PostgreSQL at DATABASE_URL answers, else one line saying why (a sync replica would die with a stack trace). */
import pg from 'pg';

const CONNECT_TIMEOUT_MS = 10_000;

export async function assertDatabaseAnswers(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (err) {
    // The URL is not quoted back: it may hold a password.
    throw new Error(`the PostgreSQL at DATABASE_URL does not answer: ${(err as Error).message}`);
  } finally {
    await client.end().catch(() => {});
  }
}
