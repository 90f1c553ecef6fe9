/**
 * A circuit breaker for one system: after `failureThreshold` outages in a row it OPENs and no call is
 * made for `cooldownMs`; then it is HALF_OPEN: calls may go again (the outbox sends one at a time), the
 * first success CLOSEs it and the first outage OPENs it for another cooldown. An answer of any kind
 * (even a refusal or a throttle) proves the system is up and counts as a success.
 * (opossum is the library we would use; it wraps one function per breaker, while we need one breaker
 * per system shared by every call to it and its state readable for syncStatus, so this is 50 lines.)
 */
export type BreakerState = 'CLOSED' | 'OPEN' | 'HALF_OPEN';

export interface BreakerOptions {
  /** Outages in a row that open the breaker. */
  failureThreshold: number;
  /** How long it stays OPEN before a call is tried again. */
  cooldownMs: number;
}

export interface CircuitBreaker {
  state(): BreakerState;
  /** When an OPEN breaker lets a call through again (epoch ms); 0 unless OPEN. */
  reopensAt(): number;
  success(): void;
  outage(): void;
}

export function createCircuitBreaker(options: BreakerOptions, now: () => number = Date.now): CircuitBreaker {
  if (!(Number.isInteger(options.failureThreshold) && options.failureThreshold > 0)) {
    throw new Error(`failureThreshold must be a positive integer: ${options.failureThreshold}`);
  }
  if (!(options.cooldownMs > 0)) throw new Error(`cooldownMs must be a positive number: ${options.cooldownMs}`);
  let failures = 0;
  let openUntil = 0;
  let tripped = false;

  const state = (): BreakerState => (!tripped ? 'CLOSED' : now() < openUntil ? 'OPEN' : 'HALF_OPEN');
  return {
    state,
    reopensAt: () => (state() === 'OPEN' ? openUntil : 0),
    success() {
      failures = 0;
      tripped = false;
    },
    outage() {
      failures += 1;
      // HALF_OPEN: the trial call failed, back to OPEN at once.
      if (state() === 'HALF_OPEN' || failures >= options.failureThreshold) {
        tripped = true;
        openUntil = now() + options.cooldownMs;
      }
    },
  };
}
