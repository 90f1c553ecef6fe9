/**
 * A schema of its own on the PostgreSQL server at `databaseUrl`, for one test file's stack: the URL
 * to give the sync service (its search_path is the new schema) and a way to drop it after.
 */
import pg from 'pg';

export interface TestSchema {
  url: string;
  drop(): Promise<void>;
}

export async function createTestSchema(databaseUrl: string): Promise<TestSchema> {
  const schema = `stack_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  await withClient(databaseUrl, (client) => client.query(`CREATE SCHEMA ${client.escapeIdentifier(schema)}`));
  const url = new URL(databaseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    drop: () => withClient(databaseUrl, (client) => client.query(`DROP SCHEMA IF EXISTS ${client.escapeIdentifier(schema)} CASCADE`)).then(() => undefined),
  };
}

async function withClient<T>(databaseUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
