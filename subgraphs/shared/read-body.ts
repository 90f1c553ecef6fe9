/**
 * Reads a request body as UTF-8 text with raw-body, refusing one larger than `limit` bytes before it
 * is held in memory. Shared by the gateway's front door and the subgraph server.
 */
import type { IncomingMessage } from 'node:http';
import getRawBody from 'raw-body';

/** The body as text, or null when it is larger than `limit` (the rest is drained, not held). */
export async function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  try {
    return await getRawBody(req, { limit, encoding: 'utf-8' });
  } catch (error) {
    if ((error as { type?: string }).type !== 'entity.too.large') throw error;
    // raw-body pauses the stream on refusal; drain it so the connection can carry the 413.
    req.resume();
    return null;
  }
}
