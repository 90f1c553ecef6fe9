/**
 * The one reader of integer settings from the environment, for the gateway and every subgraph: the
 * value, or `fallback` when the variable is unset or empty; anything else outside the range is refused
 * at start-up with a message naming the variable and what it got.
 */
export interface IntegerRange {
  min: number;
  /** No upper bound when absent. */
  max?: number;
}

export function envInteger(env: NodeJS.ProcessEnv, name: string, fallback: number, { min, max }: IntegerRange): number {
  const raw = env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (Number.isInteger(value) && value >= min && (max === undefined || value <= max)) return value;
  throw new Error(`${name} must be ${expected(min, max)}: ${raw}`);
}

function expected(min: number, max: number | undefined): string {
  if (max !== undefined) return `an integer from ${min} to ${max}`;
  if (min === 1) return 'a positive integer';
  if (min === 0) return 'a non-negative integer';
  return `an integer of at least ${min}`;
}
