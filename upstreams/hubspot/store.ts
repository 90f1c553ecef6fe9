/**
 * The stand-in's own mutable copy of the contacts. Writes keep HubSpot's change markers in step:
 * `updatedAt` and the `lastmodifieddate` property always move forward together.
 */
import type { HubSpotContact } from '../dataset/types.ts';

export type WriteResult = { contact: HubSpotContact } | { conflictId: string };

export interface ContactStore {
  /** Live (not archived) contacts in id order. */
  all(): HubSpotContact[];
  byId(id: string): HubSpotContact | undefined;
  /** HubSpot treats emails case-insensitively. */
  byEmail(email: string): HubSpotContact | undefined;
  /** Fails with the existing contact's id when the email is taken. */
  create(values: Record<string, string | null>): WriteResult;
  /** `null` values clear a property. Fails with the other contact's id when the new email is taken; null for an unknown id. */
  update(id: string, values: Record<string, string | null>): WriteResult | null;
  /** Archives the contact (HubSpot's DELETE); false for an unknown or already archived id. */
  archive(id: string): boolean;
}

/** `now` is injectable so tests can pin the clock. */
export function createContactStore(contacts: HubSpotContact[], now: () => number = Date.now): ContactStore {
  const records = new Map<string, HubSpotContact>(structuredClone(contacts).map((c) => [c.id, c]));
  let nextId = Math.max(100, ...[...records.keys()].map(Number)) + 1;

  const all = () => [...records.values()].filter((c) => !c.archived).sort((a, b) => Number(a.id) - Number(b.id));
  const byEmail = (email: string) => all().find((c) => c.properties.email?.toLowerCase() === email.trim().toLowerCase());
  const takenBy = (email: string | null | undefined, self?: string) => {
    const owner = email ? byEmail(email) : undefined;
    return owner && owner.id !== self ? owner.id : null;
  };

  /** A marker strictly after the previous one, so that every write is visible as a change. */
  const touch = (contact: HubSpotContact) => {
    const at = new Date(Math.max(now(), Date.parse(contact.updatedAt) + 1)).toISOString();
    contact.updatedAt = at;
    contact.properties.lastmodifieddate = at;
  };

  return {
    all,
    byId: (id) => {
      const contact = records.get(id);
      return contact && !contact.archived ? contact : undefined;
    },
    byEmail,
    create(values) {
      const conflictId = takenBy(values.email);
      if (conflictId) return { conflictId };
      const id = String(nextId++);
      const at = new Date(now()).toISOString();
      const contact: HubSpotContact = {
        id, createdAt: at, updatedAt: at, archived: false,
        properties: { ...values, createdate: at, lastmodifieddate: at, hs_object_id: id },
      };
      records.set(id, contact);
      return { contact };
    },
    update(id, values) {
      const contact = records.get(id);
      if (!contact || contact.archived) return null;
      const conflictId = 'email' in values ? takenBy(values.email, id) : null;
      if (conflictId) return { conflictId };
      Object.assign(contact.properties, values);
      touch(contact);
      return { contact };
    },
    archive(id) {
      const contact = records.get(id);
      if (!contact || contact.archived) return false;
      contact.archived = true;
      touch(contact);
      return true;
    },
  };
}
