/**
 * A test hook for crash recovery: when SYNC_CRASH_POINT names a point, the process kills itself
 * (SIGKILL, no clean-up, like kill -9) the first time it gets there. Off unless configured.
 */
export type CrashPoint = 'after-intent' | 'after-lead-write';

export function createCrashHook(point: CrashPoint | null): (reached: CrashPoint) => void {
  return (reached) => {
    if (point !== null && reached === point) process.kill(process.pid, 'SIGKILL');
  };
}
