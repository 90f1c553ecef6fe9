/** DATABASE_URL when set: the PostgreSQL database the replicas share (the sync store; the replicas' notifications; the gateway's audit log and cost budgets). */
export function readDatabaseUrl(env: NodeJS.ProcessEnv): string | null {
  const url = env.DATABASE_URL || null;
  // Not quoted back: it may hold a password.
  if (url !== null && !/^postgres(ql)?:\/\//.test(url)) throw new Error('DATABASE_URL must be a postgres:// or postgresql:// URL.');
  return url;
}
