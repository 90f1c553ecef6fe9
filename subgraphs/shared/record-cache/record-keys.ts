/**
 * The names of cached upstream records, shared by the read subgraphs (which cache them) and the sync
 * service (which names what it wrote or heard a webhook about). A record is named by its system, its
 * kind within the system and the system's own id for it.
 */
import { createHash } from 'node:crypto';

/** The systems whose records the read subgraphs cache (Mastodon is never written by this gateway). */
export type CachedSystem = 'CRM' | 'ERP' | 'COMMERCE';
export const CACHED_SYSTEMS: readonly CachedSystem[] = ['CRM', 'ERP', 'COMMERCE'];

export interface RecordKey {
  system: CachedSystem;
  /** e.g. "contact", "partner", "customer". */
  kind: string;
  /** The upstream's id: a HubSpot contact id, an Odoo partner id, the number of a Shopify gid; EVERY for all of the kind. */
  id: string;
}

/** The id that names every record of a kind (a write that cannot name the ones it changed). */
export const EVERY = '*';
export const everyOf = (system: CachedSystem, kind: string): RecordKey => ({ system, kind, id: EVERY });
/** Every record of every kind of the system: news may have been missed (e.g. while a listening connection was down). */
export const everythingOf = (system: CachedSystem): RecordKey => ({ system, kind: EVERY, id: EVERY });

export const crmContactKey = (contactId: string): RecordKey => ({ system: 'CRM', kind: 'contact', id: contactId.trim() });
export const erpPartnerKey = (partnerId: string | number): RecordKey => ({ system: 'ERP', kind: 'partner', id: String(partnerId).trim() });
/** The sales order fulfilling a shop order, by the shop's order number (its client_order_ref). */
export const erpSaleOrderKey = (orderNumber: string): RecordKey => ({ system: 'ERP', kind: 'sale_order', id: orderNumber });

const EMAIL_ID_PREFIX = 'email=';

/**
 * The id naming every record of a kind that holds this email (trimmed, ignoring case), or null for no
 * email: an answer made from a search by email depends on it (and on each record it found), and every
 * create, and every update that sets an email, names the record's email too. So a write elsewhere
 * leaves such an answer alone, while a record gaining the email drops it (one losing it is named by its
 * own id). A digest, not the address: record keys travel in headers and notifications, and personal
 * data has no business there; it is of the same kind as the records, so a drop of the whole kind covers it.
 */
export function emailKeyId(email: string | null | undefined): string | null {
  const normalized = email?.trim().toLowerCase();
  return normalized ? `${EMAIL_ID_PREFIX}${createHash('sha256').update(normalized).digest('base64url').slice(0, 22)}` : null;
}

/** Whether the key names the records holding an email (emailKeyId): what answers made from a search by email depend on. */
export const isEmailKey = (key: RecordKey): boolean => key.id.startsWith(EMAIL_ID_PREFIX);

export const erpPartnerEmailKey = (email: string | null | undefined): RecordKey | null => {
  const id = emailKeyId(email);
  return id ? { system: 'ERP', kind: 'partner', id } : null;
};

export const commerceCustomerEmailKey = (email: string | null | undefined): RecordKey | null => {
  const id = emailKeyId(email);
  return id ? { system: 'COMMERCE', kind: 'customer', id } : null;
};

/** A shop customer by its gid (gid://shopify/Customer/7) or bare number (7, as webhooks send it); null for neither. */
export function commerceCustomerKey(gidOrNumber: string | number): RecordKey | null {
  const text = String(gidOrNumber).trim();
  const id = /^\d+$/.test(text) ? text : /^gid:\/\/shopify\/Customer\/(\d+)$/.exec(text)?.[1];
  return id ? { system: 'COMMERCE', kind: 'customer', id } : null;
}

/**
 * Every shop order: what the gateway's kept answers holding a customer's orders or order totals depend on
 * (answer-dependencies.ts). Shop orders are never cached by id; any change to one (a cancellation, an
 * orders/* webhook) drops every answer holding orders.
 */
export const commerceOrdersKey: RecordKey = everyOf('COMMERCE', 'order');

/** Where a key lives in a cache, and how it travels. */
export const keyText = (key: RecordKey): string => `${key.system}:${key.kind}:${key.id}`;

/** The key keyText() wrote (ids may hold ':'), or null when it names no cached system. */
export function parseKeyText(text: string): RecordKey | null {
  const [system, kind, ...id] = text.split(':');
  if (!CACHED_SYSTEMS.includes(system as CachedSystem) || !kind || !id.length) return null;
  return { system: system as CachedSystem, kind, id: id.join(':') };
}

/** The keys in a message from elsewhere (an invalidation body), or null when it is not a list of keys. */
export function parseRecordKeys(value: unknown): RecordKey[] | null {
  if (!Array.isArray(value)) return null;
  const keys: RecordKey[] = [];
  for (const item of value) {
    const key = item as Partial<RecordKey> | null;
    if (typeof key !== 'object' || key === null || !CACHED_SYSTEMS.includes(key.system as CachedSystem)
      || typeof key.kind !== 'string' || !key.kind || typeof key.id !== 'string' || !key.id) return null;
    keys.push({ system: key.system as CachedSystem, kind: key.kind, id: key.id });
  }
  return keys;
}
