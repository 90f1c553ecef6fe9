/**
 * POST /internal/record-invalidation on a read subgraph: the sync service's list of changed records
 * ({ "keys": [{ "system", "kind", "id" }] }), handed to the subgraph's own RecordInvalidation, whose
 * subscriber (the record cache) drops them before the answer (204). The server checks the internal
 * token before this runs (SubgraphOptions.internalRoutes).
 */
import type { RouteHandler } from '../server.ts';
import type { RecordInvalidation } from './record-invalidation.ts';
import { INVALIDATION_PATH } from './http-invalidation.ts';
import { parseRecordKeys, type RecordKey } from './record-keys.ts';

export function invalidationRoutes(invalidation: RecordInvalidation): Record<string, RouteHandler> {
  return {
    [INVALIDATION_PATH]: async (req, res, rawBody) => {
      if (req.method !== 'POST') return void res.writeHead(405, { allow: 'POST' }).end();
      const keys = readInvalidation(rawBody)?.keys;
      if (!keys) return void res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'The body is not { "keys": [...] }.' }));
      await invalidation.publish(keys);
      res.writeHead(204).end();
    },
  };
}

/**
 * An invalidation body ({ "keys": [...], "ownersDropped": true }), or null when it is not one (also read by
 * the gateway's route). `ownersDropped` (the sync service tells gateways): every read subgraph owning one
 * of the keys confirmed it dropped them before this was sent; false when absent.
 */
export function readInvalidation(text: string | null): { keys: RecordKey[]; ownersDropped: boolean } | null {
  try {
    const value = text === null ? null : JSON.parse(text);
    const keys = typeof value === 'object' && value !== null ? parseRecordKeys(value.keys) : null;
    return keys && { keys, ownersDropped: value.ownersDropped === true };
  } catch {
    return null;
  }
}
