/** HubSpot's error bodies: `{ status: "error", message, correlationId, category, ... }`. */
import { randomUUID } from 'node:crypto';
import type { StandInResponse } from '../shared/standin.ts';

export function hubspotError(status: number, category: string, message: string, extra: Record<string, unknown> = {}): StandInResponse {
  return { status, body: { status: 'error', message, correlationId: randomUUID(), category, ...extra } };
}

/** HubSpot answers a missing and a wrong token alike. */
export const unauthenticated = (): StandInResponse => hubspotError(401, 'INVALID_AUTHENTICATION',
  'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview');

export const objectNotFound = (id: string): StandInResponse =>
  hubspotError(404, 'OBJECT_NOT_FOUND', 'Object not found.  objectId are usually numeric.', { context: { id: [id] } });

export const validationError = (message: string, extra: Record<string, unknown> = {}): StandInResponse =>
  hubspotError(400, 'VALIDATION_ERROR', message, extra);

export const contactExists = (existingId: string): StandInResponse =>
  hubspotError(409, 'CONFLICT', `Contact already exists. Existing ID: ${existingId}`);
