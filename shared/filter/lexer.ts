/**
 * Tokens of Wireshark's display-filter language. Like Wireshark's scanner, a
 * run of "word" characters (field names, numbers, addresses, byte strings) is
 * one token whose meaning is decided later from the field it is compared with:
 * `aa:bb`, `10.0.0.0/8`, `::1` and `tcp.port` are all words.
 */
import { fail, FilterSyntaxError, type Span } from './errors.js';

export type TokenKind =
  | 'word' | 'string' | 'char' | 'slice' | 'eof' | 'error'
  | '(' | ')' | '{' | '}' | ','
  | '==' | '!=' | '===' | '!==' | '~=' | '<' | '>' | '<=' | '>='
  | '&&' | '||' | '!' | '~' | '&' | '#' | '+' | '*' | '%';

export interface Token extends Span {
  readonly kind: TokenKind;
  /** The source text of the token (for strings: including quotes). */
  readonly text: string;
  /** Decoded string literal: its bytes (escapes may give any byte) and its text (UTF-8 decoded). */
  readonly bytes?: Uint8Array;
  readonly value?: string;
  /** Character constant 'x': its code. */
  readonly code?: number;
  /** For an 'error' token: what was wrong with the text here. */
  readonly error?: FilterSyntaxError;
}

const WORD = /[A-Za-z0-9_.:\-/]/;
// Longest first so `===` wins over `==`.
const OPERATORS: readonly TokenKind[] = ['===', '!==', '==', '!=', '~=', '<=', '>=', '&&', '||', '<', '>', '!', '~', '&', '#', '+', '*', '%', '(', ')', '{', '}', ','];

/**
 * The tokens of `text`, ending with 'eof' — or with an 'error' token where the
 * text stops making sense, so that the parser reports whichever problem comes
 * first in the text (as Wireshark, which scans as it parses, does).
 */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  try {
    scan(text, tokens);
  } catch (err) {
    if (!(err instanceof FilterSyntaxError)) throw err;
    tokens.push({ kind: 'error', text: '', pos: err.column, len: err.length, error: err });
    return tokens;
  }
  tokens.push({ kind: 'eof', text: '', pos: text.length, len: 0 });
  return tokens;
}

function scan(text: string, tokens: Token[]): void {
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === '"' || (c === 'r' && text[i + 1] === '"')) {
      const t = readString(text, i);
      tokens.push(t);
      i += t.len;
      continue;
    }
    if (c === "'") {
      const t = readChar(text, i);
      tokens.push(t);
      i += t.len;
      continue;
    }
    if (c === '[') {
      const close = text.indexOf(']', i + 1);
      if (close < 0) fail('Unexpected end of filter expression.', { pos: text.length, len: 0 });
      tokens.push({ kind: 'slice', text: text.slice(i + 1, close), pos: i + 1, len: close - i - 1 });
      i = close + 1;
      continue;
    }
    if (WORD.test(c)) {
      let j = i + 1;
      while (j < text.length && WORD.test(text[j]!)) j++;
      tokens.push({ kind: 'word', text: text.slice(i, j), pos: i, len: j - i });
      i = j;
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (!op) fail(`"${c}" was unexpected in this context.`, { pos: i, len: 1 });
    tokens.push({ kind: op, text: op, pos: i, len: op.length });
    i += op.length;
  }
}

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8');

function readString(text: string, start: number): Token {
  const raw = text[start] === 'r';
  let i = start + (raw ? 2 : 1);
  const out: number[] = [];
  const pushText = (s: string): void => {
    for (const b of utf8.encode(s)) out.push(b);
  };
  while (true) {
    if (i >= text.length) fail('The final quote was missing from a quoted string.', { pos: text.length, len: 1 });
    const c = text[i]!;
    if (c === '"') break;
    if (c !== '\\') {
      const cp = text.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      pushText(ch);
      i += ch.length;
      continue;
    }
    if (raw) {
      // Raw strings keep the backslash; it only stops an escaped quote from ending the string.
      const next = text[i + 1];
      pushText(next === undefined ? '\\' : '\\' + next);
      i += next === undefined ? 1 : 2;
      continue;
    }
    const esc = readEscape(text, i);
    if (esc.byte !== undefined) out.push(esc.byte);
    else pushText(String.fromCodePoint(esc.codePoint!));
    i += esc.len;
  }
  const bytes = Uint8Array.from(out);
  const len = i + 1 - start;
  return { kind: 'string', text: text.slice(start, i + 1), pos: start, len, bytes, value: utf8Decoder.decode(bytes) };
}

function readChar(text: string, start: number): Token {
  let i = start + 1;
  let code: number;
  if (text[i] === '\\') {
    const esc = readEscape(text, i);
    code = esc.byte ?? esc.codePoint!;
    i += esc.len;
  } else if (i < text.length && text[i] !== "'") {
    code = text.codePointAt(i)!;
    i += code > 0xffff ? 2 : 1;
  } else {
    fail(`${text.slice(start, i + 1)} is not a valid character constant.`, { pos: start, len: i + 1 - start });
  }
  if (text[i] !== "'") fail('The final quote was missing from a character constant.', { pos: text.length, len: 0 });
  return { kind: 'char', text: text.slice(start, i + 1), pos: start, len: i + 1 - start, code };
}

const SIMPLE_ESCAPES: Record<string, number> = { "'": 39, '"': 34, '\\': 92, a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11 };

/** One escape sequence at `i` (the backslash): a byte (\xNN, \NNN, \n...) or a code point (\uNNNN). */
function readEscape(text: string, i: number): { byte?: number; codePoint?: number; len: number } {
  const c = text[i + 1];
  if (c === undefined) fail('The final quote was missing from a quoted string.', { pos: text.length, len: 1 });
  const simple = SIMPLE_ESCAPES[c];
  if (simple !== undefined) return { byte: simple, len: 2 };
  if (c === 'x') {
    const m = /^[0-9A-Fa-f]{1,2}/.exec(text.slice(i + 2, i + 4));
    if (m) return { byte: parseInt(m[0], 16), len: 2 + m[0].length };
  } else if (c >= '0' && c <= '7') {
    const m = /^[0-7]{1,3}/.exec(text.slice(i + 1, i + 4))!;
    const v = parseInt(m[0], 8);
    if (v <= 255) return { byte: v, len: 1 + m[0].length };
  } else if (c === 'u' || c === 'U') {
    // C's rules for universal character names: no surrogates, nothing past U+10FFFF, and
    // below U+00A0 only $ @ and ` (the rest must be written as plain characters or \x escapes).
    const n = c === 'u' ? 4 : 8;
    const digits = /^[0-9A-Fa-f]*/.exec(text.slice(i + 2, i + 2 + n))![0];
    const cp = parseInt(digits, 16);
    const valid = digits.length === n && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) &&
      (cp >= 0xa0 || cp === 0x24 || cp === 0x40 || cp === 0x60);
    if (valid) return { codePoint: cp, len: 2 + n };
    fail(`${text.slice(i, i + 2 + digits.length)} is not a valid universal character name`, { pos: i, len: 2 + digits.length });
  }
  fail(`\\${c} is not a valid character escape sequence`, { pos: i, len: 2 });
}
