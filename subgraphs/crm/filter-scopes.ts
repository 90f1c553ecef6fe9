/**
 * Defense in depth for filters: a field whose arguments filter or search on a personal field is
 * refused with FORBIDDEN, before any HubSpot call, unless the caller in the internal token may read
 * what the filter matches against (the table in ../shared/filter-disclosures.ts, the rules of this
 * subgraph's SDL). The gateway refuses such a field before planning, so through it this never fires.
 */
import type { GraphQLResolveInfo } from 'graphql';
import { codedError } from '../../schema/errors.ts';
import { forbiddenFilter, inputFieldsUsed } from '../shared/filter-disclosures.ts';
import { principalOf } from '../shared/internal-auth.ts';
import { rulesAt } from '../shared/scopes.ts';

const NO_SCOPES: ReadonlySet<string> = new Set();

/** Throws FORBIDDEN when the resolved field's arguments filter on a field the caller may not read. */
export function assertFilterScopes(args: object, context: unknown, info: GraphQLResolveInfo): void {
  const field = info.parentType.getFields()[info.fieldName];
  const scopes = principalOf(context)?.scopes ?? NO_SCOPES;
  const message = forbiddenFilter(inputFieldsUsed(field.args, args), scopes, (coordinate) => rulesAt(info.schema, coordinate));
  if (message) throw codedError('FORBIDDEN', message);
}
