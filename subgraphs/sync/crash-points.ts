/**
 * A test hook for crash recovery: when SYNC_CRASH_POINT names a point, the process kills itself
 * (SIGKILL, no clean-up, like kill -9) the first time it gets there. Off unless configured; the config
 * refuses to start with it in production (NODE_ENV=production).
 */
/**
 * mid-reconcile: in a reconciliation pass, after the tenth customer brought in step, before its page's cursor moves.
 * after-crm-create: in createCustomer, once HubSpot has made the contact, before the write is recorded or the followers run.
 */
export type CrashPoint = 'after-intent' | 'after-lead-write' | 'after-crm-create' | 'mid-reconcile';

export function createCrashHook(point: CrashPoint | null): (reached: CrashPoint) => void {
  return (reached) => {
    if (point !== null && reached === point) process.kill(process.pid, 'SIGKILL');
  };
}
