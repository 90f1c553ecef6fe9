/**
 * SQLite files that hold personal data are readable by their owner alone (0600), their folder too (0700).
 * SQLite creates a database's -wal and -shm files (also when it recreates them later, e.g. on the next
 * open after a clean close) with the mode of the database file itself (os_unix.c, findCreateFileMode),
 * so a 0600 database keeps its companions 0600; companions left by an older version are fixed here.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

/** Owner read and write only. */
export const PRIVATE_FILE_MODE = 0o600;

/** The database and the companions SQLite keeps beside it. */
const sqliteFiles = (path: string): string[] => [path, `${path}-wal`, `${path}-shm`, `${path}-journal`];

/**
 * Before opening the SQLite database at `path`: creates its folder (0700) and the file itself (0600)
 * when missing, and makes an existing database and its companions 0600. `':memory:'` is left alone.
 */
export function preparePrivateSqliteFile(path: string): void {
  if (path === ':memory:') return;
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  // 'a': creates the file without truncating one that exists; the mode applies only to a new file.
  closeSync(openSync(path, 'a', PRIVATE_FILE_MODE));
  for (const file of sqliteFiles(path)) if (existsSync(file)) chmodSync(file, PRIVATE_FILE_MODE);
}
