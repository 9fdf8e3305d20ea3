/**
 * Anything thrown, as text a fuzz report can show. `String(value)` is not
 * enough: a thrown object reads "[object Object]", and so does what Node
 * hands a worker's parent for a DOMException (a DataCloneError from
 * postMessage arrives as an empty object, its name and message lost).
 */

/** "Name [code]: message", then the stack and the cause; or, for a value that is not an Error, its kind, the name, message and code it carries and its JSON. */
export function describeThrown(value) {
  if (value instanceof Error) {
    const lines = [`${value.name}${codeOf(value)}: ${value.message}`];
    if (typeof value.stack === 'string') lines.push(value.stack);
    if (value.cause !== undefined) lines.push(`cause: ${describeThrown(value.cause)}`);
    return lines.join('\n');
  }
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return `thrown ${value === null ? 'null' : typeof value}: ${jsonOf(value)}`;
  const kind = Object.prototype.toString.call(value).slice(8, -1);
  const fields = ['name', 'message', 'code'].filter((k) => readField(value, k) !== undefined).map((k) => `${k} ${jsonOf(readField(value, k))}`);
  const json = jsonOf(value);
  const empty = json === '{}' && fields.length === 0 ? ' (an empty object: how Node passes on a DOMException, e.g. a DataCloneError, thrown in a worker)' : '';
  return `thrown ${kind} that is not an Error: ${[...fields, `JSON ${json}`].join(', ')}${empty}`;
}

function codeOf(e) {
  const code = readField(e, 'code');
  return code === undefined ? '' : ` [${code}]`;
}

/** A getter that throws must not turn describing a crash into another crash. */
function readField(value, key) {
  try {
    return value[key];
  } catch {
    return undefined;
  }
}

/** JSON that survives cycles, bigints, functions and a throwing toJSON; at most 2000 characters. */
function jsonOf(value) {
  const open = [];
  let text;
  try {
    text = JSON.stringify(value, function (key, v) {
      // `this` is the object holding `key`: drop the ancestors that are done, then refuse a value still open.
      while (open.length > 0 && open[open.length - 1] !== this) open.pop();
      if (typeof v === 'bigint') return `${v}n`;
      if (typeof v === 'function') return `[function ${v.name || 'anonymous'}]`;
      if (v !== null && typeof v === 'object') {
        if (open.includes(v)) return '[cycle]';
        open.push(v);
      }
      return v;
    });
  } catch (e) {
    return `(no JSON: ${e instanceof Error ? e.message : typeof e})`;
  }
  if (text === undefined) return String(value);
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
}
