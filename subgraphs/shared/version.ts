/**
 * Version tokens for Customer.version and Order.version: opaque to clients, but built so that the
 * gateway can tell which system changed. Each system's change marker is hashed to 12 hex digits;
 * the token is "v1." followed by "<SYSTEM>:<hash>" pairs joined by ".", in a fixed system order.
 * Same markers, same token; any changed marker, a different token.
 *
 * A system whose record could not be read gets UNAVAILABLE_MARKER, which appears in the token as the
 * literal "unavailable" instead of a hash. That is neither 12 hex digits nor "none", so a token with a
 * gap can never equal a token built from real markers, nor the token for "no record".
 */
import { createHash } from 'node:crypto';
import type { SourceSystem } from './sources.ts';

const ORDER: SourceSystem[] = ['CRM', 'ERP', 'COMMERCE', 'SOCIAL'];

/**
 * The change marker of a record that could not be read. Also the value the ERP's inaccessible
 * Order.erpVersion takes when Odoo fails (null there means "no sales order"), which the commerce
 * subgraph recognises in Order.version. No system's marker (timestamps) has this form.
 */
export const UNAVAILABLE_MARKER = '<unavailable>';

/** The token text of an unavailable marker: not hex, so it cannot collide with a hash. */
const UNAVAILABLE_HASH = 'unavailable';

/**
 * `markers` maps a system to its record's change marker; null means "no record in that system" and
 * UNAVAILABLE_MARKER "could not be read". Absent systems are not part of the token.
 */
export function encodeVersion(markers: Partial<Record<SourceSystem, string | null>>): string {
  const parts = ORDER.filter((s) => s in markers).map((s) => `${s}:${markerHash(markers[s] ?? null)}`);
  return Buffer.from(`v1.${parts.join('.')}`, 'utf8').toString('base64url');
}

/** The per-system hashes inside a token, or null when it is not a token we issued. */
export function decodeVersion(token: string): Partial<Record<SourceSystem, string>> | null {
  const text = /^[A-Za-z0-9_-]+$/.test(token) ? Buffer.from(token, 'base64url').toString('utf8') : '';
  if (!text.startsWith('v1.')) return null;
  const out: Partial<Record<SourceSystem, string>> = {};
  for (const part of text.slice(3).split('.')) {
    const [system, hash] = part.split(':');
    if (!ORDER.includes(system as SourceSystem) || !hash) return null;
    out[system as SourceSystem] = hash;
  }
  return out;
}

/**
 * The systems a token does not cover because their record could not be read when it was issued. A
 * write must not accept such a token as proof that those systems are unchanged.
 */
export function unavailableSystems(token: string): SourceSystem[] {
  const hashes = decodeVersion(token) ?? {};
  return ORDER.filter((s) => hashes[s] === UNAVAILABLE_HASH);
}

/** The systems whose markers differ between two tokens. */
export function changedSystems(expected: string, current: string): SourceSystem[] {
  const a = decodeVersion(expected) ?? {};
  const b = decodeVersion(current) ?? {};
  return ORDER.filter((s) => a[s] !== b[s]);
}

/** A marker's hash as a token holds it ("none" for no record). */
export function markerHash(marker: string | null): string {
  if (marker === null) return 'none';
  if (marker === UNAVAILABLE_MARKER) return UNAVAILABLE_HASH;
  return createHash('sha256').update(marker).digest('hex').slice(0, 12);
}
