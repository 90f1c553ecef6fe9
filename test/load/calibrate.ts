/**
 * Finds the heaviest request the gateway's limits still let through: sends candidates from the
 * heaviest down until one is executed. Each attempt uses its own token subject, so that refusals and
 * calibration do not spend the heavy client's budget.
 */
import { describeShape, heavyCandidates, heavyQuery, type HeavyShape } from './queries.ts';
import { send, type Outcome } from './request.ts';
import type { TokenFor } from './tokens.ts';

const ATTEMPT_TIMEOUT_MS = 60_000;
/** Answers that say the request or the set-up is wrong, not that a limit was hit. */
const NOT_A_LIMIT = new Set(['UNAUTHENTICATED', 'FORBIDDEN', 'NETWORK']);
/** Answers without data that still say the gateway took the work on (its upstreams failed or were slow). */
const RAN = new Set(['UPSTREAM_UNAVAILABLE', 'UPSTREAM_ERROR', 'TIMEOUT', 'INTERNAL_SERVER_ERROR']);
const executed = (outcome: Outcome) => !outcome.refused || outcome.codes.some((code) => RAN.has(code));

export interface Calibration {
  shape: HeavyShape;
  query: string;
  /** Candidates refused before this one. */
  refused: number;
  refusalCodes: Map<string, number>;
  /** extensions of the last QUERY_TOO_COMPLEX refusal (cost and limit), if any. */
  lastCostRefusal: Record<string, unknown> | null;
  /** How the accepted attempt went. */
  accepted: Outcome;
}

export async function calibrateHeavy(url: string, tokenFor: TokenFor): Promise<Calibration> {
  const candidates = heavyCandidates();
  let attempt = 0;
  const sendOnce = async (shape: HeavyShape): Promise<Outcome> => {
    for (;;) {
      attempt += 1;
      const outcome = await send(url, await tokenFor(`load-calibrate-${attempt}`), { query: heavyQuery(shape) }, AbortSignal.timeout(ATTEMPT_TIMEOUT_MS));
      if (outcome.status !== 429) return outcome;
      // A budget shared beyond one subject (per client id, say): wait as told, then try again.
      await new Promise((r) => setTimeout(r, Math.min(outcome.retryAfterS ?? 1, 60) * 1000));
    }
  };
  const fail = (shape: HeavyShape, outcome: Outcome) =>
    new Error(`the heavy candidate "${describeShape(shape)}" was answered HTTP ${outcome.status} ${outcome.codes.join(', ')}: the token or the query is wrong, not a limit`);

  // The lightest candidate must pass, else every refusal below would be the query's fault, not a limit's.
  const lightest = candidates[candidates.length - 1];
  const probe = await sendOnce(lightest);
  if (!executed(probe)) throw fail(lightest, probe);

  const refusalCodes = new Map<string, number>();
  let lastCostRefusal: Record<string, unknown> | null = null;
  const accept = (shape: HeavyShape, refused: number, accepted: Outcome): Calibration =>
    ({ shape, query: heavyQuery(shape), refused, refusalCodes, lastCostRefusal, accepted });
  for (const [index, shape] of candidates.slice(0, -1).entries()) {
    const outcome = await sendOnce(shape);
    if (executed(outcome)) return accept(shape, index, outcome);
    if (outcome.codes.some((code) => NOT_A_LIMIT.has(code))) throw fail(shape, outcome);
    for (const code of outcome.codes) refusalCodes.set(code, (refusalCodes.get(code) ?? 0) + 1);
    if (outcome.codes.includes('QUERY_TOO_COMPLEX')) lastCostRefusal = outcome.extensions;
  }
  return accept(lightest, candidates.length - 1, probe);
}
