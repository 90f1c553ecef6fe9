/** Shopify global ids: gid://shopify/<Type>/<numeric id>, optionally followed by a query string. */
import { GraphQLError } from 'graphql';

const GID = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)(?:\?.*)?$/;

export const toGid = (type: string, id: number): string => `gid://shopify/${type}/${id}`;

/**
 * The type and numeric id inside a gid. A string that is not a gid at all is refused the way Shopify
 * refuses it (a GraphQL error naming the value), not answered with null.
 */
export function parseGid(gid: string): { type: string; id: number } {
  const match = GID.exec(gid);
  if (!match) throw new GraphQLError(`Invalid global id '${gid}'`, { extensions: { code: 'argumentLiteralsIncompatible', typeName: 'CoercionError' } });
  return { type: match[1], id: Number(match[2]) };
}

/** The numeric id when the gid names a record of the given type, else null. */
export function idOfType(gid: string, type: string): number | null {
  const parsed = parseGid(gid);
  return parsed.type === type ? parsed.id : null;
}
