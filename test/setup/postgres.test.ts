import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { namedDatabase } from './postgres.ts';

describe("the PostgreSQL tests' server", () => {
  it('is the one TEST_DATABASE_URL names, else DATABASE_URL, else none (an empty variable names none)', () => {
    const a = 'postgres://a@db-a:5432/test';
    const b = 'postgres://b@db-b:5432/test';
    expect(namedDatabase({ TEST_DATABASE_URL: a, DATABASE_URL: b })).toEqual({ url: a, source: 'TEST_DATABASE_URL', dataDir: null });
    expect(namedDatabase({ DATABASE_URL: b })).toEqual({ url: b, source: 'DATABASE_URL', dataDir: null });
    expect(namedDatabase({ TEST_DATABASE_URL: '', DATABASE_URL: '' })).toBeNull();
    expect(namedDatabase({})).toBeNull();
  });

  it("is this run's: the named server, or the throwaway one started for the run (never a server no one named)", async () => {
    const database = inject('testDatabase');
    const named = namedDatabase(process.env);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const setting = async (name: string) => (await client.query<{ value: string }>('SELECT current_setting($1) AS value', [name])).rows[0].value;
      if (named) {
        expect(database).toEqual(named);
      } else {
        expect(database.source).toBe('embedded');
        // The server answering is the one whose data directory the run made, not one that happened to listen there.
        expect(await setting('data_directory')).toBe(database.dataDir);
        expect(await setting('server_version_num')).toMatch(/^15\d{4}$/);
      }
      expect(Number(await setting('port'))).toBe(Number(new URL(database.url).port || 5432));
    } finally {
      await client.end();
    }
  });
});
