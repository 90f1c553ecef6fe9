/**
 * Version tokens for Customer.version and Order.version: opaque to clients, but built so that the
 * gateway can tell which system changed. Each system's change marker is hashed to 12 hex digits;
 * the token is "v1." followed by "<SYSTEM>:<hash>" pairs joined by ".", in a fixed system order.
 * Same markers, same token; any changed marker, a different token.
 */
import { createHash } from 'node:crypto';
import type { SourceSystem } from './sources.ts';

const ORDER: SourceSystem[] = ['CRM', 'ERP', 'COMMERCE', 'SOCIAL'];

/** `markers` maps a system to its record's change marker; null or absent means "no record in that system". */
export function encodeVersion(markers: Partial<Record<SourceSystem, string | null>>): string {
  const parts = ORDER.filter((s) => s in markers).map((s) => `${s}:${hashMarker(markers[s] ?? null)}`);
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

/** The systems whose markers differ between two tokens. */
export function changedSystems(expected: string, current: string): SourceSystem[] {
  const a = decodeVersion(expected) ?? {};
  const b = decodeVersion(current) ?? {};
  return ORDER.filter((s) => a[s] !== b[s]);
}

function hashMarker(marker: string | null): string {
  return marker === null ? 'none' : createHash('sha256').update(marker).digest('hex').slice(0, 12);
}
