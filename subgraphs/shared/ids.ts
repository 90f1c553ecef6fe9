/**
 * Opaque public ids: base64url of "<Type>:<source id>". Clients must not parse them; only the owning
 * subgraph decodes them.
 */
export function encodeId(type: string, sourceId: string | number): string {
  return Buffer.from(`${type}:${sourceId}`, 'utf8').toString('base64url');
}

/** The source id inside a public id of the given type, or null when the id is malformed or of another type. */
export function decodeId(type: string, id: string): string | null {
  if (!/^[A-Za-z0-9_-]+$/.test(id)) return null;
  const text = Buffer.from(id, 'base64url').toString('utf8');
  const prefix = `${type}:`;
  return text.startsWith(prefix) && text.length > prefix.length ? text.slice(prefix.length) : null;
}
