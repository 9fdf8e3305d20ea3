/**
 * Checks every request's arguments before main acts on them: the renderer
 * shows packet bytes from the network, so main treats whatever comes over IPC
 * as untrusted. Shapes are exact (no unknown keys), numbers are integers in
 * range, strings within LIMITS; the arguments handed on are fresh plain
 * objects holding only the known fields, so nothing odd (a `__proto__` key, a
 * getter, a class instance) reaches the session.
 */
import {
  COLUMN_IDS, LIMITS, REQUEST_NAMES,
  type ColumnId, type FindQuery, type RequestArgs, type RequestName, type SortOrder, type TcpdumpMode, type ViewState,
} from './contract.js';

export type Validation<T> = { readonly ok: true; readonly args: T } | { readonly ok: false; readonly message: string };

/** A validated request: its name and its arguments, typed together. */
export type ValidRequest = { [K in RequestName]: { readonly name: K; readonly args: RequestArgs<K> } }[RequestName];

export type RequestValidation = ({ readonly ok: true } & ValidRequest) | { readonly ok: false; readonly message: string };

/** Longest interface name accepted (Windows NPF names are about 50 characters). */
export const INTERFACE_NAME_CHARS = 256;
/** Snapshot length bounds, as dumpcap's (0 means the default, 262144). */
export const MAX_SNAPLEN = 262_144;
/** Bounds on a saved view's numbers: generous, but not unbounded. */
const MAX_COLUMN_WIDTH = 100_000;
const MAX_PANES = 8;
const TCPDUMP_MODES: readonly TcpdumpMode[] = ['A', 'X', 'websocket'];
const FIND_KINDS: readonly FindQuery['kind'][] = ['filter', 'string', 'hex'];

/** Thrown inside a validator, caught by validateRequest; the message names the field. */
class Bad extends Error {}

type Obj = Record<string, unknown>;

const requestNames: ReadonlySet<string> = new Set(REQUEST_NAMES);

export function isRequestName(name: unknown): name is RequestName {
  return typeof name === 'string' && requestNames.has(name);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `a string of ${v.length} characters`;
  if (typeof v === 'number') return Number.isFinite(v) ? `the number ${v}` : String(v);
  return typeof v === 'object' ? 'an object' : typeof v;
}

/** A plain object with exactly the allowed keys (those marked optional may be absent or undefined). */
function object(v: unknown, where: string, required: readonly string[], optional: readonly string[] = []): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Bad(`${where} must be an object, not ${describe(v)}`);
  const proto = Object.getPrototypeOf(v) as unknown;
  if (proto !== Object.prototype && proto !== null) throw new Bad(`${where} must be a plain object`);
  const keys = Reflect.ownKeys(v);
  for (const k of keys) {
    if (typeof k !== 'string') throw new Bad(`${where} has a symbol key`);
    if (!required.includes(k) && !optional.includes(k)) throw new Bad(`${where} has an unknown field "${k.slice(0, 40)}"`);
    const d = Object.getOwnPropertyDescriptor(v, k);
    if (!d || !('value' in d)) throw new Bad(`${where}.${k} must be a plain value, not an accessor`);
  }
  for (const k of required) if (!Object.prototype.hasOwnProperty.call(v, k)) throw new Bad(`${where}.${k} is missing`);
  return v as Obj;
}

function noArgs(v: unknown, where: string): undefined {
  if (v !== undefined && v !== null) throw new Bad(`${where} takes no arguments, not ${describe(v)}`);
  return undefined;
}

function int(v: unknown, where: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new Bad(`${where} must be an integer, not ${describe(v)}`);
  if (v < min || v > max) throw new Bad(`${where} must be between ${min} and ${max}, not ${v}`);
  return v;
}

function finite(v: unknown, where: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Bad(`${where} must be a number, not ${describe(v)}`);
  if (v < min || v > max) throw new Bad(`${where} must be between ${min} and ${max}, not ${v}`);
  return v;
}

function bool(v: unknown, where: string): boolean {
  if (typeof v !== 'boolean') throw new Bad(`${where} must be true or false, not ${describe(v)}`);
  return v;
}

function string(v: unknown, where: string, maxChars: number): string {
  if (typeof v !== 'string') throw new Bad(`${where} must be a string, not ${describe(v)}`);
  if (v.length > maxChars) throw new Bad(`${where} is too long (${v.length} characters, at most ${maxChars})`);
  return v;
}

function oneOf<T extends string>(v: unknown, where: string, allowed: readonly T[]): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new Bad(`${where} must be one of ${allowed.join(', ')}, not ${typeof v === 'string' ? JSON.stringify(v.slice(0, 40)) : describe(v)}`);
  }
  return v as T;
}

/** A file path: non-empty, within LIMITS.pathChars, no NUL (which would cut it short in the OS). */
function path(v: unknown, where: string): string {
  const s = string(v, where, LIMITS.pathChars);
  if (s === '') throw new Bad(`${where} is empty`);
  if (s.includes('\0')) throw new Bad(`${where} contains a NUL character`);
  return s;
}

/** An interface name as libpcap lists it: no control characters, not starting with '-' (it is a program argument). */
function interfaceName(v: unknown, where: string): string {
  const s = string(v, where, INTERFACE_NAME_CHARS);
  if (s === '') throw new Bad(`${where} is empty`);
  if (/[\x00-\x1f\x7f]/.test(s)) throw new Bad(`${where} contains a control character`);
  if (s.startsWith('-')) throw new Bad(`${where} cannot start with "-"`);
  return s;
}

function sortOrder(v: unknown, where: string): SortOrder | null {
  if (v === null) return null;
  const o = object(v, where, ['column', 'descending']);
  return { column: oneOf(o.column, `${where}.column`, COLUMN_IDS), descending: bool(o.descending, `${where}.descending`) };
}

function viewState(v: unknown, where: string): ViewState {
  const o = object(v, where, ['displayFilter', 'selected', 'scrollRow', 'columnWidths', 'paneSizes', 'sort', 'terminalMode']);
  const widths = object(o.columnWidths, `${where}.columnWidths`, [], COLUMN_IDS);
  const columnWidths: Partial<Record<ColumnId, number>> = {};
  for (const id of COLUMN_IDS) {
    if (widths[id] !== undefined) columnWidths[id] = finite(widths[id], `${where}.columnWidths.${id}`, 0, MAX_COLUMN_WIDTH);
  }
  if (!Array.isArray(o.paneSizes)) throw new Bad(`${where}.paneSizes must be an array, not ${describe(o.paneSizes)}`);
  if (o.paneSizes.length > MAX_PANES) throw new Bad(`${where}.paneSizes has ${o.paneSizes.length} entries, at most ${MAX_PANES}`);
  const paneSizes = Array.from(o.paneSizes, (s, i) => finite(s, `${where}.paneSizes[${i}]`, 0, 1));
  return {
    displayFilter: string(o.displayFilter, `${where}.displayFilter`, LIMITS.filterChars),
    selected: o.selected === null ? null : int(o.selected, `${where}.selected`, 1, Number.MAX_SAFE_INTEGER),
    scrollRow: int(o.scrollRow, `${where}.scrollRow`, 0, Number.MAX_SAFE_INTEGER),
    columnWidths,
    paneSizes,
    sort: sortOrder(o.sort, `${where}.sort`),
    terminalMode: oneOf(o.terminalMode, `${where}.terminalMode`, TCPDUMP_MODES),
  };
}

const MAX = Number.MAX_SAFE_INTEGER;

type Validators = { readonly [K in RequestName]: (args: unknown, where: string) => RequestArgs<K> };

/** One validator per request: the Record type makes a missing one a compile error. */
const validators: Validators = {
  'app.info': noArgs,
  'session.state': noArgs,

  'file.open': noArgs,
  'file.openRecent': (v, w) => ({ path: path(object(v, w, ['path']).path, `${w}.path`) }),
  'file.openDropped': (v, w) => ({ path: path(object(v, w, ['path']).path, `${w}.path`) }),
  'file.recent': noArgs,
  'file.save': (v, w) => {
    const o = object(v, w, ['as', 'view']);
    return { as: bool(o.as, `${w}.as`), view: viewState(o.view, `${w}.view`) };
  },
  'file.exportDisplayed': (v, w) => ({ view: viewState(object(v, w, ['view']).view, `${w}.view`) }),
  'file.confirmDiscard': noArgs,
  'file.recoverable': noArgs,
  // The session also checks that the path is one file.recoverable offers now.
  'file.recover': (v, w) => ({ path: path(object(v, w, ['path']).path, `${w}.path`) }),
  'file.discardRecoverable': (v, w) => ({ path: path(object(v, w, ['path']).path, `${w}.path`) }),

  'capture.devices': noArgs,
  'capture.checkFilter': (v, w) => {
    const o = object(v, w, ['interface', 'filter']);
    return { interface: interfaceName(o.interface, `${w}.interface`), filter: string(o.filter, `${w}.filter`, LIMITS.filterChars) };
  },
  'capture.start': (v, w) => {
    const o = object(v, w, ['interface', 'filter'], ['snapLen', 'promiscuous']);
    return {
      interface: interfaceName(o.interface, `${w}.interface`),
      filter: string(o.filter, `${w}.filter`, LIMITS.filterChars),
      ...(o.snapLen !== undefined ? { snapLen: int(o.snapLen, `${w}.snapLen`, 0, MAX_SNAPLEN) } : {}),
      ...(o.promiscuous !== undefined ? { promiscuous: bool(o.promiscuous, `${w}.promiscuous`) } : {}),
    };
  },
  'capture.stop': noArgs,
  'capture.setupPermission': noArgs,

  'rows.get': (v, w) => {
    const o = object(v, w, ['from', 'count']);
    return { from: int(o.from, `${w}.from`, 0, MAX), count: int(o.count, `${w}.count`, 0, LIMITS.rowsPerRequest) };
  },
  'rows.indexOf': (v, w) => ({ num: int(object(v, w, ['num']).num, `${w}.num`, 1, MAX) }),
  'rows.sort': (v, w) => ({ order: sortOrder(object(v, w, ['order']).order, `${w}.order`) }),
  'rows.find': (v, w) => {
    const o = object(v, w, ['kind', 'text', 'after'], ['backwards']);
    return {
      kind: oneOf(o.kind, `${w}.kind`, FIND_KINDS),
      text: string(o.text, `${w}.text`, LIMITS.filterChars),
      // -1: search from the top (the first match is index 0).
      after: int(o.after, `${w}.after`, -1, MAX),
      ...(o.backwards !== undefined ? { backwards: bool(o.backwards, `${w}.backwards`) } : {}),
    };
  },

  'filter.check': (v, w) => ({ text: string(object(v, w, ['text']).text, `${w}.text`, LIMITS.filterChars) }),
  'filter.apply': (v, w) => ({ text: string(object(v, w, ['text']).text, `${w}.text`, LIMITS.filterChars) }),
  'filter.history': noArgs,

  'packet.detail': (v, w) => ({ num: int(object(v, w, ['num']).num, `${w}.num`, 1, MAX) }),
  'packet.setComment': (v, w) => {
    const o = object(v, w, ['num', 'comment']);
    return { num: int(o.num, `${w}.num`, 1, MAX), comment: string(o.comment, `${w}.comment`, LIMITS.commentChars) };
  },

  'tcpdump.lines': (v, w) => {
    const o = object(v, w, ['from', 'count', 'mode']);
    return {
      from: int(o.from, `${w}.from`, 0, MAX),
      count: int(o.count, `${w}.count`, 0, LIMITS.tcpdumpPacketsPerRequest),
      mode: oneOf(o.mode, `${w}.mode`, TCPDUMP_MODES),
    };
  },

  'follow.tcp': (v, w) => ({ stream: int(object(v, w, ['stream']).stream, `${w}.stream`, 0, MAX) }),
  'websocket.conversations': noArgs,
  'websocket.messages': (v, w) => ({ id: int(object(v, w, ['id']).id, `${w}.id`, 0, MAX) }),
  'websocket.export': (v, w) => ({ id: int(object(v, w, ['id']).id, `${w}.id`, 0, MAX) }),
};

/**
 * Check one request's arguments; the message names the request and the bad
 * field. Never throws: arguments that cannot even be looked at (a Proxy whose
 * traps throw, possible only for a caller inside main) are refused too.
 */
export function validateArgs<K extends RequestName>(name: K, args: unknown): Validation<RequestArgs<K>> {
  try {
    const validate = validators[name] as (a: unknown, w: string) => RequestArgs<K>;
    return { ok: true, args: validate(args, 'args') };
  } catch (e) {
    if (e instanceof Bad) return { ok: false, message: `${name}: ${e.message}` };
    const why = e instanceof Error ? e.message : String(e);
    return { ok: false, message: `${name}: the arguments cannot be read (${why.slice(0, 200)})` };
  }
}

/** Check a request's name and arguments as they arrived over IPC. */
export function validateRequest(name: unknown, args: unknown): RequestValidation {
  if (!isRequestName(name)) {
    const shown = typeof name === 'string' ? JSON.stringify(name.slice(0, 60)) : describe(name);
    return { ok: false, message: `unknown request ${shown}` };
  }
  const r = validateArgs(name, args);
  return r.ok ? ({ ok: true, name, args: r.args } as RequestValidation) : r;
}
