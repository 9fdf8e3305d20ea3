/**
 * `matches` patterns are PCRE2 in Wireshark, case-insensitive by default since
 * 4.0. JavaScript's RegExp shares the common syntax; PCRE2's leading option
 * settings `(?i)`, `(?-i)`, `(?s)`, `(?m)` become RegExp flags.
 */
import { fail, type Span } from './errors.js';

export function compilePattern(pattern: string, at: Span): RegExp {
  const flags = new Set(['i']);
  let body = pattern;
  let m: RegExpExecArray | null;
  while ((m = /^\(\?([a-zA-Z]*)(?:-([a-zA-Z]*))?\)/.exec(body))) {
    for (const f of m[1]!) setFlag(flags, f, true, at);
    for (const f of m[2] ?? '') setFlag(flags, f, false, at);
    body = body.slice(m[0].length);
  }
  try {
    return new RegExp(body, [...flags].join(''));
  } catch (err) {
    const reason = String((err as Error).message).replace(/^Invalid regular expression: (\/.*\/[a-z]*: )?/, '');
    fail(`Regex compilation error: ${reason}.`, at);
  }
}

function setFlag(flags: Set<string>, f: string, on: boolean, at: Span): void {
  if (f !== 'i' && f !== 's' && f !== 'm') fail(`Regex compilation error: option (?${f}) is not supported.`, at);
  if (on) flags.add(f);
  else flags.delete(f);
}
