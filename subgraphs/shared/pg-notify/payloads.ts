/**
 * NOTIFY payloads: JSON arrays of items, each payload under the server's limit (8000 bytes by default),
 * so a long list goes out as several notifications instead of failing as one.
 */

/** Below PostgreSQL's 8000-byte payload limit, with room to spare. */
export const MAX_PAYLOAD_BYTES = 7900;

export interface Packed {
  /** JSON arrays, each at most maxBytes long in UTF-8. */
  payloads: string[];
  /** Items that do not fit in a payload even alone (the caller decides what to send instead). */
  oversize: unknown[];
}

export function packPayloads(items: readonly unknown[], maxBytes = MAX_PAYLOAD_BYTES): Packed {
  const payloads: string[] = [];
  const oversize: unknown[] = [];
  let current: string[] = [];
  let bytes = 2; // the brackets
  for (const item of items) {
    const text = JSON.stringify(item);
    const size = Buffer.byteLength(text);
    if (size + 2 > maxBytes) {
      oversize.push(item);
      continue;
    }
    // A comma before every item but the first.
    if (current.length && bytes + 1 + size > maxBytes) {
      payloads.push(`[${current.join(',')}]`);
      current = [];
      bytes = 2;
    }
    bytes += size + (current.length ? 1 : 0);
    current.push(text);
  }
  if (current.length) payloads.push(`[${current.join(',')}]`);
  return { payloads, oversize };
}

/** The items of a received payload; null when it is not a JSON array (another sender's, or garbled). */
export function unpackPayload(payload: string | undefined): unknown[] | null {
  try {
    const value: unknown = JSON.parse(payload ?? '');
    return Array.isArray(value) ? value : null;
  } catch {
    return null;
  }
}
