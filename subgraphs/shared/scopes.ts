/**
 * Defense in depth: a subgraph enforces the `@requiresScopes` rules of its own SDL, so a request that
 * did not come through the gateway's authorizer (a direct `_entities` call with a valid internal
 * token) still gets nothing it lacks the scope for. The gateway removes such fields before planning,
 * so through the gateway these checks never fire.
 *
 * Each field with a rule (its own, or its return type's) resolves to null with a FORBIDDEN error when
 * the caller in the context (`principalOf`, from the internal token) lacks the scopes, before its
 * resolver runs, so no upstream is called. A context without a caller grants no scope.
 */
import { defaultFieldResolver, GraphQLError, type GraphQLFieldConfig, type GraphQLNamedType, type GraphQLSchema, type GraphQLType } from 'graphql';
import { getDirective, mapSchema, MapperKind } from '@graphql-tools/utils';
import { principalOf } from './internal-auth.ts';
import { forbiddenMessage, satisfies, type ScopeRule } from './scope-rule.ts';

/** The directive as the subgraph SDLs import it from the federation spec. */
const DIRECTIVE = 'requiresScopes';
const NO_SCOPES: ReadonlySet<string> = new Set();

/** The schema with every field that has scope rules wrapped in their check. */
export function enforceScopes(schema: GraphQLSchema): GraphQLSchema {
  const mutationType = schema.getMutationType()?.name;
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (config, fieldName, typeName) => {
      const rules = rulesOf(schema, config);
      if (rules.length === 0) return config;
      const coordinate = `${typeName}.${fieldName}`;
      const resolve = config.resolve ?? defaultFieldResolver;
      return {
        ...config,
        resolve: (source, args, context, info) => {
          const scopes = principalOf(context)?.scopes ?? NO_SCOPES;
          const unmet = rules.find((rule) => !satisfies(rule, scopes));
          if (unmet) throw new GraphQLError(forbiddenMessage(coordinate, unmet, typeName === mutationType), { extensions: { code: 'FORBIDDEN' } });
          return resolve(source, args, context, info);
        },
      };
    },
  });
}

/** Every rule reading `Type.field` of this subgraph's schema must satisfy (none for a field it does not have). */
export function rulesAt(schema: GraphQLSchema, coordinate: string): ScopeRule[] {
  const [typeName, fieldName] = coordinate.split('.');
  const type = schema.getType(typeName);
  // Object and interface types (structurally: the schema may come from another graphql realm, see namedType).
  const field = type && 'getInterfaces' in type ? type.getFields()[fieldName] : undefined;
  return field ? rulesOf(schema, field) : [];
}

/** The field's own rule and its return type's. */
function rulesOf(schema: GraphQLSchema, config: Pick<GraphQLFieldConfig<unknown, unknown>, 'type' | 'astNode' | 'extensions'>): ScopeRule[] {
  const returnType = schema.getType(namedType(config.type).name);
  return [
    ...(getDirective(schema, config, DIRECTIVE) ?? []),
    ...(returnType ? getDirective(schema, returnType, DIRECTIVE) ?? [] : []),
  ].map((args) => args.scopes as ScopeRule);
}

/**
 * graphql's getNamedType without its instanceof checks: @apollo/subgraph builds the schema with the
 * CommonJS graphql, while this module may get the ESM build (under vitest), a different realm.
 */
function namedType(type: GraphQLType): GraphQLNamedType {
  return 'ofType' in type ? namedType(type.ofType) : type;
}
