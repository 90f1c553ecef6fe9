/**
 * Shopify's search syntax (the `query` argument of connections), the subset the gateway relies on:
 * `field:value`, `field:>value` (and `>=`, `<`, `<=`), quoted values ('…' or "…" with backslash
 * escapes), a trailing `*` on a bare value for a prefix (inside quotes, as in any phrase, `*` is
 * a plain character), free text, implicit AND, `AND`, `OR`, `NOT`, a leading `-`
 * for negation, and parentheses. AND binds tighter than OR. As Shopify does, a term on a field the
 * resource does not know is ignored and reported as a warning instead of failing the query.
 */
export type Comparator = ':' | ':>' | ':>=' | ':<' | ':<=';

export type SearchNode =
  | { kind: 'term'; field: string | null; comparator: Comparator; value: string; prefix?: true }
  | { kind: 'not'; node: SearchNode }
  | { kind: 'and' | 'or'; nodes: SearchNode[] };

/** Whether one record's field satisfies `comparator value` (with `prefix`: starts with `value`, for `field:value*`). */
export type FieldMatcher<T> = (record: T, comparator: Comparator, value: string, prefix: boolean) => boolean;

export interface SearchFields<T> {
  fields: Record<string, FieldMatcher<T>>;
  /** The texts free-text terms are matched against (case-insensitive substring). */
  text: (record: T) => (string | null)[];
}

export interface SearchWarning {
  field: string;
  message: string;
}

type Token = { type: 'word'; raw: string } | { type: '(' | ')' };

/** Parses a query; null when it is empty. Malformed input degrades to free-text terms, never throws. */
export function parseSearch(query: string): SearchNode | null {
  const tokens = tokenize(query);
  let pos = 0;
  const peekWord = (word: string) => tokens[pos]?.type === 'word' && (tokens[pos] as { raw: string }).raw === word;

  const parseOr = (): SearchNode | null => {
    const nodes = [parseAnd()];
    while (peekWord('OR')) {
      pos++;
      nodes.push(parseAnd());
    }
    return combine('or', nodes);
  };
  const parseAnd = (): SearchNode | null => {
    const nodes: (SearchNode | null)[] = [];
    while (pos < tokens.length && tokens[pos].type !== ')' && !peekWord('OR')) {
      if (peekWord('AND')) pos++;
      else nodes.push(parseUnary());
    }
    return combine('and', nodes);
  };
  const parseUnary = (): SearchNode | null => {
    if (peekWord('NOT')) {
      pos++;
      const node = parseUnary();
      return node && { kind: 'not', node };
    }
    const token = tokens[pos++];
    if (!token) return null;
    if (token.type === '(') {
      const node = parseOr();
      if (tokens[pos]?.type === ')') pos++;
      return node;
    }
    return token.type === 'word' ? parseTerm(token.raw) : null;
  };

  // A stray ')' ends parseOr early; what follows it is ANDed on (Shopify is lenient here too).
  const parts = [parseOr()];
  while (pos < tokens.length) {
    pos++;
    parts.push(parseOr());
  }
  return combine('and', parts);
}

/** Compiles a query against a resource's fields; unknown fields match everything and are reported. */
export function compileSearch<T>(query: string | null | undefined, search: SearchFields<T>): { matches: (record: T) => boolean; warnings: SearchWarning[]; root: SearchNode | null } {
  const root = query ? parseSearch(query) : null;
  const warnings: SearchWarning[] = [];
  const compile = (node: SearchNode): ((record: T) => boolean) => {
    switch (node.kind) {
      case 'and': {
        const parts = node.nodes.map(compile);
        return (r) => parts.every((p) => p(r));
      }
      case 'or': {
        const parts = node.nodes.map(compile);
        return (r) => parts.some((p) => p(r));
      }
      case 'not': {
        const inner = compile(node.node);
        return (r) => !inner(r);
      }
      case 'term': {
        const { field, comparator, value } = node;
        const prefix = node.prefix === true;
        if (field === null) {
          const needle = value.toLowerCase();
          return (r) => search.text(r).some((t) => t?.toLowerCase().includes(needle));
        }
        const matcher = search.fields[field];
        if (!matcher) {
          warnings.push({ field, message: 'Invalid search field for this query.' });
          return () => true;
        }
        return (r) => matcher(r, comparator, value, prefix);
      }
    }
  };
  return { matches: root ? compile(root) : () => true, warnings, root };
}

function combine(kind: 'and' | 'or', nodes: (SearchNode | null)[]): SearchNode | null {
  const present = nodes.filter((n): n is SearchNode => n !== null);
  if (present.length <= 1) return present[0] ?? null;
  return { kind, nodes: present };
}

const TERM = /^(-?)([A-Za-z_][A-Za-z0-9_.]*):(>=|<=|>|<)?(.*)$/s;

function parseTerm(raw: string): SearchNode | null {
  const match = TERM.exec(raw);
  const negated = match ? match[1] === '-' : raw.startsWith('-') && raw.length > 1;
  const term: SearchNode = match
    ? { kind: 'term', field: match[2].toLowerCase(), comparator: `:${match[3] ?? ''}` as Comparator, ...readValue(match[4]) }
    : { kind: 'term', field: null, comparator: ':', ...readValue(negated ? raw.slice(1) : raw) };
  if (term.field === null && term.value === '') return null;
  return negated ? { kind: 'not', node: term } : term;
}

/**
 * A term's value: a quoted string without its quotes and escapes (every character in it literal), or a
 * bare value, where a trailing `*` asks for a prefix and a backslash escapes the special `:`, `\`, `(`, `)`.
 */
function readValue(value: string): { value: string; prefix?: true } {
  const quote = value[0];
  if ((quote === '"' || quote === "'") && value.length >= 2 && value.endsWith(quote)) return { value: value.slice(1, -1).replace(/\\(.)/gs, '$1') };
  const bare = value.replace(/\\(.)/gs, '$1');
  return value.endsWith('*') && !value.endsWith('\\*') ? { value: bare.slice(0, -1), prefix: true } : { value: bare };
}

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const c = query[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')') {
      tokens.push({ type: c });
      i++;
    } else {
      let raw = '';
      while (i < query.length && !/[\s()]/.test(query[i])) {
        const quote = query[i];
        // A backslash outside quotes escapes the next character, even a space or a parenthesis.
        if (quote === '\\' && i + 1 < query.length) raw += query[i++];
        raw += query[i++];
        if (quote !== '"' && quote !== "'") continue;
        while (i < query.length && query[i] !== quote) {
          if (query[i] === '\\' && i + 1 < query.length) raw += query[i++];
          raw += query[i++];
        }
        if (i < query.length) raw += query[i++];
      }
      tokens.push({ type: 'word', raw });
    }
  }
  return tokens;
}
