/**
 * Failures kept for monitoring (Query.syncStatus): from the outbox, the webhook inbox and the
 * reconciliation. Each is stored with its error code and our own wording for that code, never the
 * error's message: an upstream's refusal may quote the values it refused (personal data).
 */
import type { FailureSource, ReconcileStore, WriteSystem } from './store/types.ts';

const NAMES: Record<WriteSystem, string> = { CRM: 'The CRM (HubSpot)', ERP: 'The ERP (Odoo)', COMMERCE: 'The shop (Shopify)' };

const TEXT: Record<string, string> = {
  UPSTREAM_UNAVAILABLE: 'could not be reached or timed out; the work is retried.',
  UPSTREAM_ERROR: 'answered with an error.',
  BAD_USER_INPUT: 'refused a value as invalid.',
  CONFLICT: 'refused a change that conflicts with another record (e.g. an email in use).',
  NOT_FOUND: 'no longer has the record.',
};

/** Our message for a failure of `system` with this code. */
export function failureMessage(system: WriteSystem, code: string): string {
  return `${NAMES[system]} ${TEXT[code] ?? 'could not be synchronized because of an internal error.'}`;
}

/** The registry code a coded error carries (extensions.code), or null for any other error. */
export function errorCode(err: unknown): string | null {
  const code = (err as { extensions?: { code?: unknown } } | null)?.extensions?.code;
  return typeof code === 'string' ? code : null;
}

/** The registry code of an error, else INTERNAL_SERVER_ERROR. */
export const failureCode = (err: unknown): string => errorCode(err) ?? 'INTERNAL_SERVER_ERROR';

/** The upstream names our coded errors carry in extensions.system, and the systems they are. */
const SYSTEM_OF_UPSTREAM: Record<string, WriteSystem> = { HubSpot: 'CRM', Odoo: 'ERP', Shopify: 'COMMERCE' };

/** The system an error came from (its extensions.system), else `fallback`. */
export function failureSystem(err: unknown, fallback: WriteSystem): WriteSystem {
  const upstream = (err as { extensions?: { system?: unknown } } | null)?.extensions?.system;
  return (typeof upstream === 'string' && SYSTEM_OF_UPSTREAM[upstream]) || fallback;
}

export function recordFailure(store: Pick<ReconcileStore, 'recordFailure'>, at: number, system: WriteSystem, source: FailureSource, code: string): Promise<void> {
  return store.recordFailure({ at, system, source, code, message: failureMessage(system, code) });
}
