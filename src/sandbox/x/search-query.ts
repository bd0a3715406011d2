/**
 * A practical subset of X's search query language (x-api/posts/search/integrate/build-a-query.mdx):
 * space = AND (binds tighter than OR), `OR`, parentheses, "quoted phrases", `-` negation, keywords,
 * #hashtags, @handles, from:, to:, lang:, is:retweet|reply|quote|verified, has:mentions|hashtags|links.
 */

export const MAX_QUERY_LENGTH = 512;

export type IsOperand = 'retweet' | 'reply' | 'quote' | 'verified';
export type HasOperand = 'mentions' | 'hashtags' | 'links';

export interface AndNode {
  kind: 'and';
  children: SearchNode[];
}
export interface OrNode {
  kind: 'or';
  children: SearchNode[];
}
export interface NotNode {
  kind: 'not';
  child: SearchNode;
}
export interface TextNode {
  kind: 'keyword' | 'phrase';
  /** Lower-cased. */
  value: string;
}
export interface EntityNode {
  kind: 'hashtag' | 'mention' | 'from' | 'to' | 'lang';
  /** Lower-cased, without '#' or '@'. */
  value: string;
}
export interface IsNode {
  kind: 'is';
  value: IsOperand;
}
export interface HasNode {
  kind: 'has';
  value: HasOperand;
}

export type SearchNode = AndNode | OrNode | NotNode | TextNode | EntityNode | IsNode | HasNode;

export class SearchQueryError extends Error {
  override name = 'SearchQueryError';
}

interface Token {
  type: 'lparen' | 'rparen' | 'or' | 'term' | 'phrase';
  value: string;
  negated: boolean;
  position: number;
}

const HANDLE = /^[A-Za-z0-9_]{1,15}$/;
const IS_OPERANDS: readonly IsOperand[] = ['retweet', 'reply', 'quote', 'verified'];
const HAS_OPERANDS: readonly HasOperand[] = ['mentions', 'hashtags', 'links'];

function isBoundary(char: string | undefined): boolean {
  return char === undefined || /\s/.test(char) || char === '(' || char === ')' || char === '"';
}

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < query.length) {
    const char = query.charAt(index);
    if (/\s/.test(char)) {
      index += 1;
      continue;
    }
    const position = index + 1;
    if (char === '(' || char === ')') {
      tokens.push({
        type: char === '(' ? 'lparen' : 'rparen',
        value: char,
        negated: false,
        position,
      });
      index += 1;
      continue;
    }
    let negated = false;
    if (char === '-') {
      const nextChar = query.charAt(index + 1);
      if (nextChar === '(') {
        throw new SearchQueryError(
          `Negating a group is not supported (at position ${position}); negate each operator instead`,
        );
      }
      if (nextChar === '' || /\s/.test(nextChar) || nextChar === ')') {
        throw new SearchQueryError(`A lone '-' at position ${position} negates nothing`);
      }
      negated = true;
      index += 1;
    }
    if (query[index] === '"') {
      const close = query.indexOf('"', index + 1);
      if (close === -1) {
        throw new SearchQueryError(`Unterminated quoted phrase starting at position ${position}`);
      }
      const phrase = query.slice(index + 1, close);
      if (phrase.trim() === '') {
        throw new SearchQueryError(`Empty quoted phrase at position ${position}`);
      }
      tokens.push({ type: 'phrase', value: phrase, negated, position });
      index = close + 1;
      continue;
    }
    let end = index;
    while (!isBoundary(query[end])) {
      end += 1;
    }
    const word = query.slice(index, end);
    index = end;
    if (word === 'OR' && !negated) {
      tokens.push({ type: 'or', value: word, negated, position });
      continue;
    }
    tokens.push({ type: 'term', value: word, negated, position });
  }
  return tokens;
}

function termNode(word: string, position: number): SearchNode {
  if (word.startsWith('#') && word.length > 1) {
    return { kind: 'hashtag', value: word.slice(1).toLowerCase() };
  }
  if (word.startsWith('@')) {
    const handle = word.slice(1);
    if (!HANDLE.test(handle)) {
      throw new SearchQueryError(`Invalid @handle '${word}' at position ${position}`);
    }
    return { kind: 'mention', value: handle.toLowerCase() };
  }
  const operator = /^([A-Za-z_]+):(.*)$/.exec(word);
  if (!operator) {
    return { kind: 'keyword', value: word.toLowerCase() };
  }
  const name = (operator[1] ?? '').toLowerCase();
  const operand = (operator[2] ?? '').toLowerCase();
  if (operand === '') {
    throw new SearchQueryError(`Operator '${name}:' at position ${position} needs a value`);
  }
  if (name === 'from' || name === 'to') {
    const handle = operand.replace(/^@/, '');
    if (!HANDLE.test(handle) && !/^[0-9]{1,19}$/.test(handle)) {
      throw new SearchQueryError(`Invalid ${name}: value '${operand}' at position ${position}`);
    }
    return { kind: name, value: handle };
  }
  if (name === 'lang') {
    if (!/^[a-z]{2,3}(-[a-z0-9]+)?$/.test(operand)) {
      throw new SearchQueryError(`Invalid lang: value '${operand}' at position ${position}`);
    }
    return { kind: 'lang', value: operand };
  }
  if (name === 'is') {
    const value = IS_OPERANDS.find((candidate) => candidate === operand);
    if (!value) {
      throw new SearchQueryError(
        `Reference to invalid operator 'is:${operand}' at position ${position}; the sandbox supports is:${IS_OPERANDS.join(', is:')}`,
      );
    }
    return { kind: 'is', value };
  }
  if (name === 'has') {
    const value = HAS_OPERANDS.find((candidate) => candidate === operand);
    if (!value) {
      throw new SearchQueryError(
        `Reference to invalid operator 'has:${operand}' at position ${position}; the sandbox supports has:${HAS_OPERANDS.join(', has:')}`,
      );
    }
    return { kind: 'has', value };
  }
  throw new SearchQueryError(
    `Reference to invalid operator '${name}' at position ${position}. Operator is not available in the sandbox`,
  );
}

class Parser {
  private index = 0;

  constructor(private readonly tokens: Token[]) {}

  parse(): SearchNode {
    const node = this.parseOr();
    const extra = this.tokens[this.index];
    if (extra) {
      throw new SearchQueryError(`Unexpected '${extra.value}' at position ${extra.position}`);
    }
    return node;
  }

  private parseOr(): SearchNode {
    const children = [this.parseAnd()];
    while (this.tokens[this.index]?.type === 'or') {
      this.index += 1;
      children.push(this.parseAnd());
    }
    const [only] = children;
    if (children.length === 1 && only) {
      return only;
    }
    return { kind: 'or', children };
  }

  private parseAnd(): SearchNode {
    const children: SearchNode[] = [];
    for (;;) {
      const token = this.tokens[this.index];
      if (!token || token.type === 'or' || token.type === 'rparen') {
        break;
      }
      children.push(this.parseUnary(token));
    }
    if (children.length === 0) {
      const token = this.tokens[this.index];
      const where = token ? `before '${token.value}' at position ${token.position}` : 'at the end';
      throw new SearchQueryError(`Expected a search term ${where}`);
    }
    const [only] = children;
    if (children.length === 1 && only) {
      return only;
    }
    return { kind: 'and', children };
  }

  private parseUnary(token: Token): SearchNode {
    this.index += 1;
    if (token.type === 'lparen') {
      const inner = this.parseOr();
      const close = this.tokens[this.index];
      if (close?.type !== 'rparen') {
        throw new SearchQueryError(`Missing ')' for '(' at position ${token.position}`);
      }
      this.index += 1;
      return inner;
    }
    const node: SearchNode =
      token.type === 'phrase'
        ? { kind: 'phrase', value: token.value.toLowerCase() }
        : termNode(token.value, token.position);
    return token.negated ? { kind: 'not', child: node } : node;
  }
}

const STANDALONE_KINDS: ReadonlySet<SearchNode['kind']> = new Set([
  'keyword',
  'phrase',
  'hashtag',
  'mention',
  'from',
  'to',
]);

function hasPositiveStandalone(node: SearchNode): boolean {
  if (node.kind === 'not') {
    return false;
  }
  if (node.kind === 'and' || node.kind === 'or') {
    return node.children.some(hasPositiveStandalone);
  }
  return STANDALONE_KINDS.has(node.kind);
}

/** Parses a query; throws {@link SearchQueryError} with a message fit for a 400 response. */
export function parseSearchQuery(query: string): SearchNode {
  if (query.trim() === '') {
    throw new SearchQueryError('The query is empty');
  }
  if (query.length > MAX_QUERY_LENGTH) {
    throw new SearchQueryError(
      `The query is ${query.length} characters long; the limit is ${MAX_QUERY_LENGTH}`,
    );
  }
  const node = new Parser(tokenize(query)).parse();
  // X rejects queries made only of conjunction-required operators (is:, has:, lang:) or negations.
  if (!hasPositiveStandalone(node)) {
    throw new SearchQueryError(
      'The query needs at least one positive standalone operator (a keyword, "phrase", #hashtag, @handle, from: or to:); is:, has:, lang: and negations cannot stand alone',
    );
  }
  return node;
}
