/** PostgreSQL for the stores of the sync service and the gateway: the pool, its BIGINT parsing, and transactions. */
import pg, { type Pool, type PoolClient, type QueryResultRow } from 'pg';

/** Something to run a query on: the pool (one statement, its own transaction) or a transaction's client. */
export type Queryable = Pick<Pool, 'query'> | PoolClient;

/** BIGINT columns are epoch ms and sequence numbers, well inside Number's exact range: read them as numbers. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

export interface PoolOptions {
  connectionString: string;
  /** The schema the store's tables live in (search_path); default the server's (public). */
  schema?: string;
  max?: number;
  /** How long a statement waits for a connection before it fails (default: as long as it takes). */
  connectionTimeoutMillis?: number;
}

export function createPool(options: PoolOptions): Pool {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    ...(options.connectionTimeoutMillis !== undefined && { connectionTimeoutMillis: options.connectionTimeoutMillis }),
    types,
    ...(options.schema && { options: `-c search_path=${quoteIdent(options.schema)}` }),
  });
  // An idle client whose connection drops (a server restart) emits here; without a listener it would crash the process.
  pool.on('error', () => undefined);
  // The pool listens only while a client is idle: one whose connection drops while checked out (holding a
  // record lock across a write's upstream calls, in a transaction) would emit with nobody listening and
  // crash the process. Its query fails instead, and the pool drops it when it is released.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

/** Runs `work` in one transaction on one client: committed when it resolves, rolled back when it throws. */
export async function transaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

export async function rows<R extends QueryResultRow>(db: Queryable, text: string, params: unknown[] = []): Promise<R[]> {
  return (await db.query<R>(text, params)).rows;
}

/** How many rows a statement changed. */
export async function changes(db: Queryable, text: string, params: unknown[] = []): Promise<number> {
  return (await db.query(text, params)).rowCount ?? 0;
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
