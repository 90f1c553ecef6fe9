/**
 * Odoo search domains: a list of leaves `[field, operator, value]` and the prefix operators `&`, `|`
 * (two operands) and `!` (one), in Polish notation; terms left over at the top level are ANDed.
 * Comparison follows Odoo's SQL: an empty value (`false`) is NULL, so it matches nothing but `=
 * false`, and the negative operators (`!=`, `not in`, `not like`, `not ilike`) also match NULL.
 * A many2one compares by id (or by display name when the value is a string). A leaf may follow a
 * many2one to a field of the related record (`["partner_id.email", "=ilike", "ada@example.com"]`), as
 * Odoo's domains do; `related` gives the stand-in's rows for that.
 */
import { MODELS, type ModelSpec, type FieldSpec } from './models.ts';
import { valueError } from './errors.ts';

export type OdooRow = Record<string, unknown>;
export type Predicate = (row: OdooRow) => boolean;

const NEGATIONS: Record<string, string> = { '!=': '=', 'not in': 'in', 'not like': 'like', 'not ilike': 'ilike' };
/** Field types whose stored value is compared as it is (`=` is `===` on a non-empty value). */
export const PLAIN_TYPES = new Set(['integer', 'char', 'float', 'monetary', 'date', 'datetime', 'selection']);
const OPERATORS = new Set(['=', 'in', '<', '<=', '>', '>=', '=like', '=ilike', 'like', 'ilike', ...Object.keys(NEGATIONS)]);

/** The row of `model` with this id, or undefined (for leaves that follow a many2one). */
export type RelatedRow = (model: string, id: number) => OdooRow | undefined;

/** Compiles a domain against a model; a malformed domain or an unknown field is Odoo's ValueError. */
export function compileDomain(domain: unknown, modelName: string, spec: ModelSpec, related: RelatedRow = () => undefined): Predicate {
  if (domain === undefined || domain === null || domain === false) return () => true;
  if (!Array.isArray(domain)) throw valueError(`Invalid domain: ${JSON.stringify(domain)}`);
  const terms = [...domain];
  const parts: Predicate[] = [];
  while (terms.length > 0) parts.push(readTerm(terms, modelName, spec, domain, related));
  return (row) => parts.every((p) => p(row));
}

function readTerm(terms: unknown[], modelName: string, spec: ModelSpec, domain: unknown[], related: RelatedRow): Predicate {
  if (terms.length === 0) throw valueError(`Invalid domain (an operator lacks operands): ${JSON.stringify(domain)}`);
  const term = terms.shift();
  if (term === '&' || term === '|') {
    const left = readTerm(terms, modelName, spec, domain, related);
    const right = readTerm(terms, modelName, spec, domain, related);
    return term === '&' ? (row) => left(row) && right(row) : (row) => left(row) || right(row);
  }
  if (term === '!') {
    const operand = readTerm(terms, modelName, spec, domain, related);
    return (row) => !operand(row);
  }
  if (!Array.isArray(term) || term.length !== 3 || typeof term[0] !== 'string' || typeof term[1] !== 'string') {
    throw valueError(`Invalid leaf ${JSON.stringify(term)}`);
  }
  const [field, rawOperator, value] = term as [string, string, unknown];
  const dot = field.indexOf('.');
  if (dot > 0) {
    // A many2one followed to its record: the leaf holds for a row whose related record matches the rest.
    const via = spec.fields[field.slice(0, dot)];
    const target = via?.type === 'many2one' && via.relation ? MODELS[via.relation] : undefined;
    if (!target) throw valueError(`Invalid field ${modelName}.${field} in leaf ${JSON.stringify(term)}`);
    const rest = compileDomain([[field.slice(dot + 1), rawOperator, value]], via.relation!, target, related);
    const head = field.slice(0, dot);
    return (row) => {
      const id = Array.isArray(row[head]) ? (row[head] as [number, string])[0] : undefined;
      const record = id === undefined ? undefined : related(via.relation!, id);
      return record !== undefined && rest(record);
    };
  }
  const operator = rawOperator.toLowerCase();
  const fieldSpec = spec.fields[field];
  if (!fieldSpec) throw valueError(`Invalid field ${modelName}.${field} in leaf ${JSON.stringify(term)}`);
  if (!OPERATORS.has(operator)) throw valueError(`Invalid leaf ${JSON.stringify(term)}: unknown operator ${rawOperator}`);
  const positive = leaf(field, fieldSpec, NEGATIONS[operator] ?? operator, value);
  return operator in NEGATIONS ? (row) => !positive(row) : positive;
}

function leaf(field: string, spec: FieldSpec, operator: string, value: unknown): Predicate {
  switch (operator) {
    case '=': return (row) => equals(row[field], spec, value);
    case 'in': {
      const values = Array.isArray(value) ? value : [value];
      // Plain values of a plain field: one set lookup a row instead of a comparison per value.
      if (PLAIN_TYPES.has(spec.type) && values.every((v) => typeof v === 'string' || typeof v === 'number')) {
        const set = new Set<unknown>(values);
        return (row) => !isNull(row[field], spec) && set.has(row[field]);
      }
      return (row) => values.some((v) => equals(row[field], spec, v));
    }
    case '<': case '<=': case '>': case '>=':
      return (row) => compares(row[field], spec, operator, value);
    default: {
      const pattern = likePattern(operator === 'like' || operator === 'ilike' ? `%${String(value)}%` : String(value), operator.endsWith('ilike'));
      return (row) => {
        const text = asText(row[field], spec);
        return text !== null && pattern.test(text);
      };
    }
  }
}

function isNull(raw: unknown, spec: FieldSpec): boolean {
  if (spec.type === 'boolean') return raw === null || raw === undefined;
  return raw === false || raw === null || raw === undefined || raw === '';
}

function equals(raw: unknown, spec: FieldSpec, value: unknown): boolean {
  if (spec.type === 'one2many' || spec.type === 'many2many') {
    const ids = Array.isArray(raw) ? raw : [];
    return value === false ? ids.length === 0 : ids.includes(value);
  }
  if (value === false && spec.type !== 'boolean') return isNull(raw, spec);
  if (spec.type === 'many2one') {
    if (!Array.isArray(raw)) return false;
    return typeof value === 'string' ? raw[1] === value : raw[0] === value;
  }
  return !isNull(raw, spec) && raw === value;
}

function compares(raw: unknown, spec: FieldSpec, operator: string, value: unknown): boolean {
  if (isNull(raw, spec) || value === false || value === null) return false;
  const left = spec.type === 'many2one' ? (raw as [number, string])[0] : raw;
  const [a, b] = typeof left === 'number' && typeof value === 'number' ? [left, value] : [String(left), String(value)];
  if (operator === '<') return a < b;
  if (operator === '<=') return a <= b;
  if (operator === '>') return a > b;
  return a >= b;
}

/** The text a LIKE compares: a many2one's display name; NULL for an empty value. */
function asText(raw: unknown, spec: FieldSpec): string | null {
  if (isNull(raw, spec)) return null;
  if (spec.type === 'many2one') return (raw as [number, string])[1];
  return String(raw);
}

/** SQL LIKE as PostgreSQL reads it: `%` any run, `_` one character, a backslash escapes the next one. */
function likePattern(pattern: string, caseInsensitive: boolean): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) source += escapeRegExp(pattern[++i]);
    else if (c === '%') source += '.*';
    else if (c === '_') source += '.';
    else source += escapeRegExp(c);
  }
  return new RegExp(`^${source}$`, caseInsensitive ? 'is' : 's');
}

const escapeRegExp = (c: string) => c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
