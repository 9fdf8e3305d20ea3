/** JSON detection for WebSocket payloads: pretty-print only what really parses as an object or array. */

/** Cheap first test: the text starts with `{` or `[` (after blanks) and ends with the matching bracket. */
export function looksLikeJson(text: string): boolean {
  const t = text.trim();
  if (t.length < 2) return false;
  const first = t[0];
  const last = t[t.length - 1];
  return (first === '{' && last === '}') || (first === '[' && last === ']');
}

/** The text re-indented by two spaces, or null when it is not a JSON object or array. */
export function prettyJson(text: string): string | null {
  if (!looksLikeJson(text)) return null;
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    // Not JSON after all (a brace-delimited text protocol): shown as sent.
    return null;
  }
}
