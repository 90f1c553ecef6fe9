/** The write endpoints: create and update. Used by a later issue's mutations; HubSpot has no conditional writes. */
import type { StandInRequest, StandInResponse } from '../shared/standin.ts';
import type { ContactStore, WriteResult } from './store.ts';
import { normalizeWrite, toWrittenRecord } from './properties.ts';
import { contactExists, objectNotFound, validationError } from './errors.ts';

/** The written values, or HubSpot's 400 listing every invalid property. */
function readProperties(req: StandInRequest): { values: Record<string, string | null> } | { refusal: StandInResponse } {
  const input = (req.body as { properties?: unknown } | undefined)?.properties;
  if (!input || typeof input !== 'object' || Array.isArray(input)) return { refusal: validationError('Invalid input JSON: "properties" must be an object.') };
  const { values, errors } = normalizeWrite(input as Record<string, unknown>);
  if (errors.length) {
    return { refusal: validationError(`Property values were not valid: ${JSON.stringify(errors)}`, {
      errors: errors.map((e) => ({ message: e.message, code: e.error, context: { propertyName: [e.name] } })),
    }) };
  }
  return { values };
}

const answer = (result: WriteResult, status: number): StandInResponse =>
  'conflictId' in result ? contactExists(result.conflictId) : { status, body: toWrittenRecord(result.contact) };

/** `POST /crm/v3/objects/contacts` → 201; 409 CONFLICT when the email exists (case-insensitive). */
export function createContact(store: ContactStore, req: StandInRequest): StandInResponse {
  const read = readProperties(req);
  return 'refusal' in read ? read.refusal : answer(store.create(read.values), 201);
}

/** `PATCH /crm/v3/objects/contacts/{id}` (also `?idProperty=email`); an empty string clears a property. */
export function updateContact(store: ContactStore, req: StandInRequest, id: string): StandInResponse {
  const contact = req.url.searchParams.get('idProperty') === 'email' ? store.byEmail(id) : store.byId(id);
  if (!contact) return objectNotFound(id);
  const read = readProperties(req);
  if ('refusal' in read) return read.refusal;
  return answer(store.update(contact.id, read.values)!, 200);
}
