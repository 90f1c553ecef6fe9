import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildSchema, isEnumType, isInputObjectType, isInterfaceType, isObjectType, type GraphQLSchema } from 'graphql';
import { printSchema, Supergraph } from '@apollo/federation-internals';
import { SUPERGRAPH_PATH } from '../../schema/compose.ts';
import { supergraphForPlanning } from '../../gateway/authz/planning-supergraph.ts';

const CONTRACT_PATH = fileURLToPath(new URL('../../../shared/contract/schema.graphql', import.meta.url));

/** Every way the served API differs from the contract in a way that would break a client. */
function breakingDifferences(contract: GraphQLSchema, api: GraphQLSchema): string[] {
  const problems: string[] = [];
  for (const type of Object.values(contract.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    const served = api.getType(type.name);
    if (!served) { problems.push(`type ${type.name} is missing`); continue; }
    if (isEnumType(type)) {
      for (const value of type.getValues()) if (!isEnumType(served) || !served.getValue(value.name)) problems.push(`${type.name}.${value.name} is missing`);
    }
    if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
      const servedFields = (served as typeof type).getFields();
      for (const field of Object.values(type.getFields())) {
        const s = servedFields[field.name];
        if (!s) { problems.push(`${type.name}.${field.name} is missing`); continue; }
        if (String(s.type) !== String(field.type)) problems.push(`${type.name}.${field.name} is ${s.type}, contract says ${field.type}`);
        for (const arg of 'args' in field ? field.args : []) {
          const sArg = 'args' in s ? s.args.find((a) => a.name === arg.name) : undefined;
          if (!sArg) problems.push(`${type.name}.${field.name}(${arg.name}) is missing`);
          else if (String(sArg.type) !== String(arg.type) || sArg.defaultValue !== arg.defaultValue) problems.push(`${type.name}.${field.name}(${arg.name}) differs`);
        }
      }
    }
  }
  return problems;
}

describe('the served API', () => {
  // Printed and rebuilt: federation-internals loads its own copy of graphql-js.
  const api = buildSchema(printSchema(Supergraph.build(supergraphForPlanning(readFileSync(SUPERGRAPH_PATH, 'utf8'))).apiSchema()));
  const contract = buildSchema(readFileSync(CONTRACT_PATH, 'utf8'));

  it('keeps every type, field, argument and enum value of the public contract', () => {
    expect(breakingDifferences(contract, api)).toEqual([]);
  });

  it('hides the federation plumbing (links, order totals, shop references) from clients', () => {
    expect(api.getType('CustomerLinks')).toBeUndefined();
    expect(api.getType('OrderTotal')).toBeUndefined();
    expect(api.getType('ShopCustomerRef')).toBeUndefined();
    const customer = api.getType('Customer');
    expect(isObjectType(customer) && Object.keys(customer.getFields())).not.toContain('links');
  });
});
