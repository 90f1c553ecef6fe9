/** Loads the recorded Odoo payloads under fixtures/ (each file: { _note, records }). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function fixture<T>(name: string): T[] {
  const path = fileURLToPath(new URL(`./fixtures/${name}.json`, import.meta.url));
  return (JSON.parse(readFileSync(path, 'utf8')) as { records: T[] }).records;
}

/** The record with this id; fails loudly when a fixture lost it. */
export function byId<T extends { id: number }>(records: T[], id: number): T {
  const found = records.find((r) => r.id === id);
  if (!found) throw new Error(`No fixture record ${id}.`);
  return found;
}
