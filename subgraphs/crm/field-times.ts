/**
 * When each master field of a contact last changed, from HubSpot's property history: the pass uses it
 * to tell whether the CRM or a linked system changed a field last. Pure.
 */
import type { MasterField } from '../shared/change-feed.ts';
import type { HubSpotRecord } from './transforms.ts';

/** The HubSpot properties each master field is stored in (the write adapter's mapping). */
export const MASTER_FIELD_PROPERTIES: Record<MasterField, string[]> = {
  firstName: ['firstname'],
  lastName: ['lastname'],
  email: ['email'],
  phone: ['phone'],
  address: ['address', 'city', 'state', 'zip', 'country'],
};

/** Every property whose history masterFieldTimes reads. */
export const MASTER_PROPERTIES = Object.values(MASTER_FIELD_PROPERTIES).flat();

const FIELD_OF_PROPERTY = new Map(Object.entries(MASTER_FIELD_PROPERTIES)
  .flatMap(([field, properties]) => properties.map((property) => [property, field as MasterField] as const)));

/** The master field a HubSpot property is stored for (a webhook names the property it changed); undefined for others. */
export const masterFieldOfProperty = (property: string): MasterField | undefined => FIELD_OF_PROPERTY.get(property);

/** Per master field, the newest history timestamp among its properties (epoch ms); 0 when none has history. */
export function masterFieldTimes(record: HubSpotRecord): Record<MasterField, number> {
  const newest = (property: string) => Math.max(0, ...(record.propertiesWithHistory?.[property] ?? [])
    .map((version) => Date.parse(version.timestamp)).filter((ms) => !Number.isNaN(ms)));
  const entries = Object.entries(MASTER_FIELD_PROPERTIES).map(([field, properties]) => [field, Math.max(...properties.map(newest))]);
  return Object.fromEntries(entries) as Record<MasterField, number>;
}
