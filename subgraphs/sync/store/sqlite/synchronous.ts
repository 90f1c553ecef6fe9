/**
 * better-sqlite3 is synchronous: the SQLite store is written as plain functions (`Synchronous<T>`) and
 * handed out behind the asynchronous SyncStore contract by `promised`. A method's whole transaction
 * still runs before its Promise is returned, so its atomicity is unchanged.
 */

/** `T` with each Promise-returning method returning its value directly. */
export type Synchronous<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => Promise<infer R> ? (...args: A) => R : T[K];
};

/** Every method of `store` returning a Promise: its value, or a rejection with what it threw. */
export function promised<T extends object>(store: Synchronous<T>): T {
  const out: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(store)) {
    out[name] = async (...args: unknown[]) => (method as (...a: unknown[]) => unknown)(...args);
  }
  return out as T;
}
