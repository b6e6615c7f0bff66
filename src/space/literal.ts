/**
 * A reader for the Python-literal notation users write ARCHs in: single or double quoted strings, numbers,
 * lists, tuples (read as arrays), dicts, None / True / False, comments, trailing commas and an optional
 * leading `NAME =`. JSON is a subset, so every JSON document reads the same way.
 */
import { escapeControls } from '../checks.js';
import { ArchError } from '../errors.js';

/**
 * How deep lists and dicts may nest. An ARCH needs three levels (the list of layers, a layer, a kernel pair);
 * the limit keeps the recursive reader far from the stack's end whatever the text.
 */
export const MAX_NESTING = 32;

type Token =
  | { kind: 'punct'; text: string; pos: number }
  | { kind: 'string'; value: string; pos: number }
  | { kind: 'number'; value: number; pos: number }
  | { kind: 'name'; text: string; pos: number }
  | { kind: 'end'; pos: number };

const PUNCT = new Set(['[', ']', '(', ')', '{', '}', ',', ':', '=']);
const NAMES: Record<string, unknown> = {
  None: null,
  null: null,
  True: true,
  true: true,
  False: false,
  false: false,
};

export function parseLiteral(text: string): unknown {
  const reader = new Reader(text, tokenize(text));
  reader.skipAssignment();
  const value = reader.value();
  reader.expectEnd();
  return value;
}

class Reader {
  private at = 0;
  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
  ) {}

  skipAssignment(): void {
    const [first, second] = [this.tokens[0], this.tokens[1]];
    if (first?.kind === 'name' && !(first.text in NAMES) && second?.kind === 'punct' && second.text === '=') {
      this.at = 2;
    }
  }

  value(depth = 1): unknown {
    const token = this.take();
    switch (token.kind) {
      case 'string':
      case 'number':
        return token.value;
      case 'name':
        if (token.text in NAMES) return NAMES[token.text];
        throw this.error(`unknown name '${token.text}'`, token.pos);
      case 'punct':
        if (!'[({'.includes(token.text)) throw this.error(`unexpected '${token.text}'`, token.pos);
        if (depth > MAX_NESTING) throw this.error(`lists and dicts nested more than ${MAX_NESTING} deep`, token.pos);
        if (token.text === '{') return this.dict(depth);
        return this.sequence(token.text === '[' ? ']' : ')', depth);
      case 'end':
        throw this.error('unexpected end of text', token.pos);
    }
  }

  expectEnd(): void {
    const token = this.peek();
    if (token.kind !== 'end') throw this.error('unexpected text after the value', token.pos);
  }

  private sequence(close: string, depth: number): unknown[] {
    const items: unknown[] = [];
    while (!this.takeIf(close)) {
      items.push(this.value(depth + 1));
      if (!this.takeIf(',')) {
        this.expect(close);
        break;
      }
    }
    return items;
  }

  private dict(depth: number): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    while (!this.takeIf('}')) {
      const key = this.take();
      if (key.kind !== 'string') throw this.error('a dict key must be a quoted string', key.pos);
      this.expect(':');
      if (Object.hasOwn(result, key.value)) throw this.error(`duplicate key '${key.value}'`, key.pos);
      result[key.value] = this.value(depth + 1);
      if (!this.takeIf(',')) {
        this.expect('}');
        break;
      }
    }
    return result;
  }

  private peek(): Token {
    return this.tokens[this.at];
  }

  private take(): Token {
    const token = this.tokens[this.at];
    if (token.kind !== 'end') this.at++;
    return token;
  }

  private takeIf(punct: string): boolean {
    const token = this.peek();
    if (token.kind === 'punct' && token.text === punct) {
      this.at++;
      return true;
    }
    return false;
  }

  private expect(punct: string): void {
    const token = this.peek();
    if (!this.takeIf(punct)) throw this.error(`expected '${punct}'`, token.pos);
  }

  private error(message: string, pos: number): ArchError {
    return new ArchError(`cannot read ARCH text: ${escapeControls(message)} at ${lineColumn(this.text, pos)}`);
  }
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (PUNCT.has(ch)) {
      tokens.push({ kind: 'punct', text: ch, pos: i++ });
    } else if (ch === "'" || ch === '"') {
      i = readString(text, i, tokens);
    } else if (/[-+.\d]/.test(ch)) {
      const match = matchAt(NUMBER, text, i);
      if (!match) throw new ArchError(`cannot read ARCH text: bad number at ${lineColumn(text, i)}`);
      tokens.push({ kind: 'number', value: Number(match[0]), pos: i });
      i += match[0].length;
    } else if (/[A-Za-z_]/.test(ch)) {
      const match = matchAt(NAME, text, i)!;
      tokens.push({ kind: 'name', text: match[0], pos: i });
      i += match[0].length;
    } else {
      throw new ArchError(`cannot read ARCH text: unexpected character '${escapeControls(ch)}' at ${lineColumn(text, i)}`);
    }
  }
  tokens.push({ kind: 'end', pos: text.length });
  return tokens;
}

// Sticky, so that a long text is never copied to match one token.
const NUMBER = /[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/y;
const NAME = /[A-Za-z_]\w*/y;

function matchAt(pattern: RegExp, text: string, at: number): RegExpExecArray | null {
  pattern.lastIndex = at;
  return pattern.exec(text);
}

function readString(text: string, start: number, tokens: Token[]): number {
  const quote = text[start];
  let value = '';
  let i = start + 1;
  while (i < text.length && text[i] !== quote) {
    if (text[i] === '\n') break;
    if (text[i] === '\\' && i + 1 < text.length) {
      value += unescape(text[i + 1]);
      i += 2;
    } else {
      value += text[i++];
    }
  }
  if (text[i] !== quote) throw new ArchError(`cannot read ARCH text: unterminated string at ${lineColumn(text, start)}`);
  tokens.push({ kind: 'string', value, pos: start });
  return i + 1;
}

function unescape(ch: string): string {
  return ({ n: '\n', t: '\t', r: '\r' } as Record<string, string>)[ch] ?? ch;
}

function lineColumn(text: string, pos: number): string {
  const before = text.slice(0, pos).split('\n');
  return `line ${before.length}, column ${before[before.length - 1].length + 1}`;
}
