/**
 * Validation rules enforcing the shape limits (depth, aliases, directives: graphql-armor's rules;
 * root fields: ours). They run with graphql-js's own rules in one pass over the document and report
 * QUERY_TOO_COMPLEX errors instead of throwing.
 */
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import type { GraphQLError, ValidationContext, ValidationRule } from 'graphql';
import { limitError, type LimitMeasure } from './limit-error.ts';
import { maxRootFieldsRule } from './max-root-fields-rule.ts';
import type { OperationLimits } from './limits.ts';

export function limitRules(limits: OperationLimits): ValidationRule[] {
  const report = (measure: LimitMeasure, limit: number) => ({
    propagateOnRejection: false,
    // graphql-armor prefixes its messages as if they were syntax errors; they are not.
    onReject: [(context: ValidationContext | null, error: GraphQLError) =>
      context?.reportError(limitError(measure, limit, error.message.replace(/^Syntax Error: /, '')))],
  });
  return [
    maxDepthRule({ n: limits.maxDepth, flattenFragments: true, ...report('depth', limits.maxDepth) }),
    // Every alias counts, __typename's too (graphql-armor spares those by default).
    maxAliasesRule({ n: limits.maxAliases, allowList: [], ...report('aliases', limits.maxAliases) }),
    maxDirectivesRule({ n: limits.maxDirectives, ...report('directives', limits.maxDirectives) }),
    maxRootFieldsRule(limits.maxRootFields),
  ];
}
