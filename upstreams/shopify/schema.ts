/**
 * Builds the stand-in's executable Admin schema with graphql-js alone: admin-schema.graphql plus the
 * ISO enums, then resolvers attached to the built types. (Building through another package would,
 * under some loaders, pair this schema with a second copy of graphql-js.)
 */
import { readFileSync } from 'node:fs';
import {
  buildSchema, isInterfaceType, isObjectType, isScalarType,
  type GraphQLFieldResolver, type GraphQLScalarType, type GraphQLSchema, type GraphQLTypeResolver,
} from 'graphql';
import countries from 'i18n-iso-countries';
import { DateTimeScalar, DecimalScalar, MoneyScalar, UnsignedInt64Scalar } from './scalars.ts';
import { queryResolvers, typeResolvers, type AdminContext } from './resolvers.ts';
import { mutationResolvers } from './mutations.ts';

const SDL = readFileSync(new URL('./admin-schema.graphql', import.meta.url), 'utf8');

/** Shopify's CurrencyCode and CountryCode enums list the ISO codes; the runtime and i18n-iso-countries have them. */
const isoEnums = (): string => [
  `enum CurrencyCode { ${Intl.supportedValuesOf('currency').join(' ')} }`,
  `enum CountryCode { ${Object.keys(countries.getAlpha2Codes()).join(' ')} }`,
].join('\n');

type Resolver = GraphQLFieldResolver<unknown, AdminContext>;
type TypeResolvers = Record<string, Record<string, Resolver | GraphQLTypeResolver<unknown, AdminContext>>>;

const SCALARS: GraphQLScalarType[] = [DateTimeScalar, DecimalScalar, MoneyScalar, UnsignedInt64Scalar];

/** Wraps root fields so that each execution is counted under its name. */
function counted(resolvers: Record<string, Resolver>): Record<string, Resolver> {
  return Object.fromEntries(Object.entries(resolvers).map(([name, resolve]): [string, Resolver] => [
    name,
    (root, args, ctx, info) => {
      ctx.countRootField(name);
      return resolve(root, args, ctx, info);
    },
  ]));
}

/** Puts resolvers, type resolvers and scalar behaviour onto the types buildSchema made. */
function attach(schema: GraphQLSchema, resolvers: TypeResolvers): GraphQLSchema {
  for (const scalar of SCALARS) {
    const built = schema.getType(scalar.name);
    if (!isScalarType(built)) throw new Error(`The Admin SDL lacks scalar ${scalar.name}.`);
    Object.assign(built, { serialize: scalar.serialize, parseValue: scalar.parseValue, parseLiteral: scalar.parseLiteral });
  }
  for (const [typeName, fields] of Object.entries(resolvers)) {
    const type = schema.getType(typeName);
    if (isInterfaceType(type)) type.resolveType = fields.__resolveType as GraphQLTypeResolver<unknown, AdminContext>;
    else if (isObjectType(type)) {
      const defined = type.getFields();
      for (const [field, resolve] of Object.entries(fields)) {
        if (!defined[field]) throw new Error(`The Admin SDL has no field ${typeName}.${field}.`);
        defined[field].resolve = resolve as Resolver;
      }
    } else throw new Error(`The Admin SDL has no object or interface type ${typeName}.`);
  }
  return schema;
}

export function buildAdminSchema(): GraphQLSchema {
  return attach(buildSchema(`${SDL}\n${isoEnums()}`), {
    Query: counted(queryResolvers as Record<string, Resolver>),
    Mutation: counted(mutationResolvers as Record<string, Resolver>),
    ...(typeResolvers as unknown as TypeResolvers),
  });
}
