/** Shopify global ids (gid://shopify/Order/450789), which the CRM also stores as link values. */
const GID = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)$/;

export const toGid = (type: string, id: string | number): string => `gid://shopify/${type}/${id}`;

/**
 * The numeric id inside a gid of the given type, or null for anything else. Shopify refuses a whole
 * query over one malformed id, so values from elsewhere (e.g. a CRM property) are checked first.
 */
export function gidNumber(gid: string | null | undefined, type: string): string | null {
  const match = gid ? GID.exec(gid.trim()) : null;
  return match && match[1] === type ? match[2] : null;
}
