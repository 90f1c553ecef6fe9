/**
 * Links customers to ERP partners: by the partner id stored on the CRM contact first (STORED_ID), else
 * by email, case-insensitively (EMAIL_MATCH). A stored id that no longer resolves (a deleted or
 * archived partner) falls back to the email, so a stale link does not hide a live record.
 */
import type { LinkedBy } from '../shared/sources.ts';
import type { ErpPartner } from './transform-partner.ts';

/** What the CRM's Customer.links gives this subgraph. */
export interface PartnerKey {
  erpPartnerId: string | null;
  email: string | null;
}

export interface PartnerMatch {
  partner: ErpPartner;
  linkedBy: LinkedBy;
}

/** A stored id we can send to Odoo: a positive integer, else none. */
export function storedPartnerId(key: PartnerKey): number | null {
  const id = key.erpPartnerId?.trim();
  return id && /^\d+$/.test(id) && Number(id) > 0 ? Number(id) : null;
}

export const normalizedEmail = (email: string | null): string | null => email?.trim().toLowerCase() || null;

/**
 * For each key, its partner among `partners` (found in one search by ids and emails). When several
 * partners share an email, the oldest (lowest id) wins, so the choice is stable.
 */
export function matchPartners(keys: readonly PartnerKey[], partners: ErpPartner[]): (PartnerMatch | null)[] {
  const byId = new Map(partners.map((p) => [p.id, p]));
  const byEmail = new Map<string, ErpPartner>();
  for (const p of [...partners].sort((a, b) => a.id - b.id)) {
    const email = normalizedEmail(p.email);
    if (email && !byEmail.has(email)) byEmail.set(email, p);
  }
  return keys.map((key) => {
    const stored = byId.get(storedPartnerId(key) ?? NaN);
    if (stored) return { partner: stored, linkedBy: 'STORED_ID' };
    const email = normalizedEmail(key.email);
    const matched = email ? byEmail.get(email) : undefined;
    return matched ? { partner: matched, linkedBy: 'EMAIL_MATCH' } : null;
  });
}
