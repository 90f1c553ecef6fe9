/**
 * The write endpoints: create, update, archive. HubSpot has no conditional writes. Each successful
 * write reports its changes to the listener (the webhooks), one call per request.
 */
import type { StandInRequest, StandInResponse } from '../shared/standin.ts';
import type { ContactStore, WriteResult } from './store.ts';
import type { ContactChange, ContactChangeListener } from './webhooks.ts';
import { normalizeWrite, toWrittenRecord } from './properties.ts';
import { contactExists, objectNotFound, validationError } from './errors.ts';

/** The stand-in's own header with which a test plays a person editing in HubSpot: `X-StandIn-Change-Source: CRM_UI`. */
const playedSource = (req: StandInRequest): string | null => {
  const value = req.headers['x-standin-change-source'];
  return value === undefined ? null : String(value);
};

/** Who made the change, as the webhook events report it: API writes are `INTEGRATION`. */
const changeSource = (req: StandInRequest): string => playedSource(req) ?? 'INTEGRATION';

/** Who made the change, as the property history reports it (sourceType): API writes are `API`. */
const historySource = (req: StandInRequest): string => playedSource(req) ?? 'API';

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
export function createContact(store: ContactStore, req: StandInRequest, onChange: ContactChangeListener): StandInResponse {
  const read = readProperties(req);
  if ('refusal' in read) return read.refusal;
  const result = store.create(read.values, historySource(req));
  if ('contact' in result) onChange([{ type: 'contact.creation', contact: result.contact, occurredAt: Date.parse(result.contact.createdAt) }], changeSource(req));
  return answer(result, 201);
}

/**
 * `PATCH /crm/v3/objects/contacts/{id}` (also `?idProperty=email`); an empty string clears a property.
 * One property-change event per property whose value changed; writing the same value again is no change.
 */
export function updateContact(store: ContactStore, req: StandInRequest, id: string, onChange: ContactChangeListener): StandInResponse {
  const contact = req.url.searchParams.get('idProperty') === 'email' ? store.byEmail(id) : store.byId(id);
  if (!contact) return objectNotFound(id);
  const read = readProperties(req);
  if ('refusal' in read) return read.refusal;
  const before = { ...contact.properties };
  const result = store.update(contact.id, read.values, historySource(req))!;
  if ('contact' in result) {
    const occurredAt = Date.parse(result.contact.updatedAt);
    const changes: ContactChange[] = Object.keys(read.values)
      .filter((name) => (before[name] ?? null) !== (result.contact.properties[name] ?? null))
      .map((name) => ({ type: 'contact.propertyChange', contact: result.contact, occurredAt, propertyName: name, propertyValue: result.contact.properties[name] ?? '' }));
    if (changes.length) onChange(changes, changeSource(req));
  }
  return answer(result, 200);
}

/** `DELETE /crm/v3/objects/contacts/{id}` → 204, archiving the contact; HubSpot answers 204 for an unknown id too. */
export function archiveContact(store: ContactStore, req: StandInRequest, id: string, onChange: ContactChangeListener): StandInResponse {
  const contact = store.byId(id);
  if (contact && store.archive(id)) onChange([{ type: 'contact.deletion', contact, occurredAt: Date.parse(contact.updatedAt) }], changeSource(req));
  return { status: 204, body: undefined };
}
