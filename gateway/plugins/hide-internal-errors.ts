/**
 * Keeps federation-internal field names out of client errors. Fields marked @inaccessible in the
 * supergraph (links, erpSource, commerceSource, shopOrderTotals, erpVersion, …) exist only for the
 * subgraphs' @requires; the gateway still fetches them, and an error while doing so arrives with a
 * path naming them. Such an error is dropped. When no other error explains that part of the response,
 * one error is kept at the nearest public ancestor instead (same message and code), so a field nulled
 * by it is never left without an error.
 *
 * The set of inaccessible field names is computed once from the supergraph SDL, not hard-coded.
 */
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { Kind, parse, visit, type ConstDirectiveNode, type DocumentNode, type GraphQLFormattedError } from 'graphql';

type Path = readonly (string | number)[];

/** The names of the fields marked @inaccessible in a supergraph (honouring a renamed @inaccessible). */
export function inaccessibleFieldNames(supergraphSdl: string): Set<string> {
  const document = parse(supergraphSdl);
  const directiveName = inaccessibleDirectiveName(document);
  const names = new Set<string>();
  for (const definition of document.definitions) {
    switch (definition.kind) {
      case Kind.OBJECT_TYPE_DEFINITION:
      case Kind.OBJECT_TYPE_EXTENSION:
      case Kind.INTERFACE_TYPE_DEFINITION:
      case Kind.INTERFACE_TYPE_EXTENSION:
        for (const field of definition.fields ?? []) {
          if (field.directives?.some((d) => d.name.value === directiveName)) names.add(field.name.value);
        }
        break;
      default:
        break;
    }
  }
  return names;
}

/** The name the supergraph's @link gives the inaccessible spec ("inaccessible" unless imported `as` another). */
function inaccessibleDirectiveName(document: DocumentNode): string {
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION) continue;
    for (const link of definition.directives ?? []) {
      if (link.name.value !== 'link') continue;
      const url = stringArgument(link, 'url');
      if (url && /\/inaccessible\/v[\d.]+$/.test(url)) return stringArgument(link, 'as') ?? 'inaccessible';
    }
  }
  return 'inaccessible';
}

function stringArgument(directive: ConstDirectiveNode, name: string): string | undefined {
  const value = directive.arguments?.find((a) => a.name.value === name)?.value;
  return value?.kind === Kind.STRING ? value.value : undefined;
}

/** Every response key (alias or field name) the client's operation selects. */
function responseKeys(document: DocumentNode | undefined): Set<string> {
  const keys = new Set<string>();
  if (document) visit(document, { Field: (node) => void keys.add((node.alias ?? node.name).value) });
  return keys;
}

/**
 * The index of the first path segment that names an internal field, or -1. A segment counts only
 * when the client did not select that key itself: a client cannot select an inaccessible field, so a
 * key it selected is a public field (or alias) that happens to share the name.
 */
function internalSegment(path: Path | undefined, internal: ReadonlySet<string>, selected: ReadonlySet<string>): number {
  if (!path) return -1;
  return path.findIndex((segment) => typeof segment === 'string' && internal.has(segment) && !selected.has(segment));
}

const startsWith = (path: Path | undefined, prefix: Path) => !!path && prefix.every((segment, i) => path[i] === segment);

/**
 * Errors without internal paths. Each dropped error whose public ancestor (`path` cut before the
 * internal segment) no remaining error covers is kept once at that ancestor.
 */
export function hideInternalErrors(
  errors: readonly GraphQLFormattedError[], internal: ReadonlySet<string>, document?: DocumentNode,
): { errors: GraphQLFormattedError[]; hidden: GraphQLFormattedError[] } {
  const selected = responseKeys(document);
  const kept: GraphQLFormattedError[] = [];
  const hidden: { error: GraphQLFormattedError; ancestor: Path }[] = [];
  for (const error of errors) {
    const at = internalSegment(error.path, internal, selected);
    if (at < 0) kept.push(error);
    else hidden.push({ error, ancestor: error.path!.slice(0, at) });
  }
  for (const { error, ancestor } of hidden) {
    if (kept.some((e) => startsWith(e.path, ancestor))) continue;
    const { path: _internal, locations: _locations, ...rest } = error;
    kept.push(ancestor.length ? { ...rest, path: ancestor } : rest);
  }
  return { errors: kept, hidden: hidden.map((h) => h.error) };
}

export function hideInternalErrorsPlugin<Context extends BaseContext>(
  supergraphSdl: string, onHidden: (error: GraphQLFormattedError) => void = () => {},
): ApolloServerPlugin<Context> {
  const internal = inaccessibleFieldNames(supergraphSdl);
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, document }) {
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          if (!result.errors?.length) return;
          const { errors, hidden } = hideInternalErrors(result.errors, internal, document);
          if (!hidden.length) return;
          for (const error of hidden) onHidden(error);
          result.errors = errors;
        },
      };
    },
  };
}
