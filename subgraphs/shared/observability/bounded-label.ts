/**
 * Label values that come from callers (operation names, error codes from other servers) are unbounded;
 * every distinct value is a new time series in Prometheus. A bounded label keeps the first `max`
 * distinct values it sees and reports any later new one as "other".
 */
export const OTHER = 'other';

/** Longest value kept; a longer one is reported as "other". */
const MAX_LENGTH = 100;

export function boundedLabel(max: number): (value: string) => string {
  if (!(Number.isInteger(max) && max > 0)) throw new Error(`max must be a positive integer: ${max}`);
  const seen = new Set<string>();
  return (value) => {
    if (seen.has(value)) return value;
    if (value.length > MAX_LENGTH || seen.size >= max) return OTHER;
    seen.add(value);
    return value;
  };
}
