/**
 * HubSpot's property history: per contact and property, every value it has held, newest first, with
 * when and by which kind of source it was set. The read endpoints return it for the properties named
 * in `propertiesWithHistory` (`{ value, timestamp, sourceType }` per entry). The stand-in starts each
 * dataset contact with one IMPORT entry per property holding a value, at the contact's createdAt; every
 * write through the API that changes a value adds an entry at the write's time (a cleared value as "").
 * HubSpot's own automatic properties (createdate, lastmodifieddate, hs_object_id) keep no history here.
 */
import type { HubSpotContact } from '../dataset/types.ts';
import { PROPERTY_TYPES, READ_ONLY_PROPERTIES } from './properties.ts';

export interface PropertyVersion {
  value: string;
  /** ISO-8601 UTC with milliseconds. */
  timestamp: string;
  /** IMPORT, API, CRM_UI, … */
  sourceType: string;
}

/** Per property name, its versions newest first. */
export type PropertyHistory = Map<string, PropertyVersion[]>;

/** With propertiesWithHistory, HubSpot's batch read takes at most this many inputs. */
export const MAX_HISTORY_BATCH_INPUTS = 50;

const tracked = (name: string) => name in PROPERTY_TYPES && !READ_ONLY_PROPERTIES.has(name);

/** The history a dataset contact starts with: its values as imported when it was created. */
export function importedHistory(contact: HubSpotContact): PropertyHistory {
  const history: PropertyHistory = new Map();
  for (const [name, value] of Object.entries(contact.properties)) {
    if (tracked(name) && value !== null) history.set(name, [{ value, timestamp: contact.createdAt, sourceType: 'IMPORT' }]);
  }
  return history;
}

/** Adds an entry for each property whose value differs between `before` and `after`. */
export function recordChanges(
  history: PropertyHistory, before: Record<string, string | null>, after: Record<string, string | null>, timestamp: string, sourceType: string,
): void {
  for (const name of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (!tracked(name) || (before[name] ?? null) === (after[name] ?? null)) continue;
    history.set(name, [{ value: after[name] ?? '', timestamp, sourceType }, ...(history.get(name) ?? [])]);
  }
}

/** The `propertiesWithHistory` of a record: each requested property the portal defines, [] when it has none. */
export function historyOf(history: PropertyHistory | undefined, requested: string[]): Record<string, PropertyVersion[]> {
  const names = [...new Set(requested)].filter((name) => name in PROPERTY_TYPES).sort();
  return Object.fromEntries(names.map((name) => [name, (history?.get(name) ?? []).map((v) => ({ ...v }))]));
}
