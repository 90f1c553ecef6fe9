/**
 * The stand-in's own mutable copy of the contacts and their property history. Writes keep HubSpot's
 * change markers in step: `updatedAt` and the `lastmodifieddate` property always move forward together,
 * and each changed property gets a history entry at that time.
 */
import type { HubSpotContact } from '../dataset/types.ts';
import { copyData } from '../shared/copy-data.ts';
import { importedHistory, recordChanges, type PropertyHistory } from './history.ts';
import { compareParts, createRecordIndexes, type RecordIndexes } from '../shared/record-index.ts';

export type WriteResult = { contact: HubSpotContact } | { conflictId: string };

export interface ContactStore {
  /** Sorted views and lookups over every contact (archived too), kept up to date by the writes below. */
  indexes: RecordIndexes<HubSpotContact>;
  /** Live (not archived) contacts in id order. */
  all(): HubSpotContact[];
  byId(id: string): HubSpotContact | undefined;
  /** HubSpot treats emails case-insensitively. */
  byEmail(email: string): HubSpotContact | undefined;
  /** The contact's property history (see history.ts). */
  history(id: string): PropertyHistory | undefined;
  /** Fails with the existing contact's id when the email is taken. `sourceType` goes into the property history. */
  create(values: Record<string, string | null>, sourceType: string): WriteResult;
  /** `null` values clear a property. Fails with the other contact's id when the new email is taken; null for an unknown id. */
  update(id: string, values: Record<string, string | null>, sourceType: string): WriteResult | null;
  /** Archives the contact (HubSpot's DELETE); false for an unknown or already archived id. */
  archive(id: string): boolean;
}

/** `now` is injectable so tests can pin the clock. */
export function createContactStore(contacts: HubSpotContact[], now: () => number = Date.now): ContactStore {
  const records = new Map<string, HubSpotContact>(copyData(contacts).map((c) => [c.id, c]));
  // A dataset contact's history is its import, made on first use (a read, or before its first write).
  const histories = new Map<string, PropertyHistory>();
  const historyOf = (contact: HubSpotContact): PropertyHistory => {
    let history = histories.get(contact.id);
    if (!history) histories.set(contact.id, (history = importedHistory(contact)));
    return history;
  };
  let nextId = [...records.keys()].reduce((max, id) => Math.max(max, Number(id)), 100) + 1;
  const indexes = createRecordIndexes(() => records.values());

  const all = () => indexes.sorted('id', (c) => [Number(c.id)], compareParts).records.filter((c) => !c.archived);
  const byEmail = (email: string) => indexes.lookup('email', (c) => (c.properties.email ? [c.properties.email.toLowerCase()] : []))(email.trim().toLowerCase())
    .filter((c) => !c.archived).sort((a, b) => Number(a.id) - Number(b.id))[0];
  const takenBy = (email: string | null | undefined, self?: string) => {
    const owner = email ? byEmail(email) : undefined;
    return owner && owner.id !== self ? owner.id : null;
  };

  /** A marker strictly after the previous one, so that every write is visible as a change. */
  const touch = (contact: HubSpotContact) => {
    const at = new Date(Math.max(now(), Date.parse(contact.updatedAt) + 1)).toISOString();
    contact.updatedAt = at;
    contact.properties.lastmodifieddate = at;
    indexes.changed(contact);
  };

  return {
    indexes,
    all,
    byId: (id) => {
      const contact = records.get(id);
      return contact && !contact.archived ? contact : undefined;
    },
    byEmail,
    history: (id) => {
      const contact = records.get(id);
      return contact && historyOf(contact);
    },
    create(values, sourceType) {
      const conflictId = takenBy(values.email);
      if (conflictId) return { conflictId };
      const id = String(nextId++);
      const at = new Date(now()).toISOString();
      const contact: HubSpotContact = {
        id, createdAt: at, updatedAt: at, archived: false,
        properties: { ...values, createdate: at, lastmodifieddate: at, hs_object_id: id },
      };
      records.set(id, contact);
      indexes.changed(contact);
      const history: PropertyHistory = new Map();
      recordChanges(history, {}, values, at, sourceType);
      histories.set(id, history);
      return { contact };
    },
    update(id, values, sourceType) {
      const contact = records.get(id);
      if (!contact || contact.archived) return null;
      const conflictId = 'email' in values ? takenBy(values.email, id) : null;
      if (conflictId) return { conflictId };
      const history = historyOf(contact);
      const before = { ...contact.properties };
      Object.assign(contact.properties, values);
      touch(contact);
      recordChanges(history, before, contact.properties, contact.updatedAt, sourceType);
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
