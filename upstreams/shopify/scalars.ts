/** The Admin API's scalars, serialized the way Shopify prints them. */
import { GraphQLScalarType, Kind } from 'graphql';
import { Decimal } from 'decimal.js';

const passString = (name: string, description: string) => new GraphQLScalarType({
  name,
  description,
  serialize: (value) => String(value),
  parseValue: (value) => String(value),
  parseLiteral: (ast) => (ast.kind === Kind.STRING || ast.kind === Kind.INT || ast.kind === Kind.FLOAT ? ast.value : undefined),
});

/**
 * Shopify prints Decimal from its stored BigDecimal: trailing zeros dropped but one decimal kept,
 * so a stored "24.00" comes out as "24.0" and a JPY "1200" as "1200.0". Clients must rescale.
 */
export const DecimalScalar = new GraphQLScalarType({
  name: 'Decimal',
  serialize(value) {
    const text = new Decimal(String(value)).toFixed();
    return text.includes('.') ? text : `${text}.0`;
  },
  parseValue: (value) => String(value),
  parseLiteral: (ast) => (ast.kind === Kind.STRING || ast.kind === Kind.INT || ast.kind === Kind.FLOAT ? ast.value : undefined),
});

/** Timestamps are stored as Shopify returns them (ISO-8601 UTC, whole seconds) and passed through. */
export const DateTimeScalar = passString('DateTime', 'ISO-8601 UTC without fractional seconds.');
export const MoneyScalar = passString('Money', 'A monetary value string, e.g. 100.57.');
export const UnsignedInt64Scalar = passString('UnsignedInt64', 'An unsigned 64-bit integer as a string.');
