/** Every request's arguments: accepted shapes, and refusals whose messages name the field. */
import { describe, expect, it } from 'vitest';
import { LIMITS, REQUEST_NAMES, type RequestName } from '../../shared/ipc/contract.js';
import { isRequestName, validateArgs, validateRequest } from '../../shared/ipc/validate.js';
import { VIEW } from '../session/fakes.js';

/** Good arguments for every request (the table must cover them all: checked below). */
const GOOD: Record<RequestName, unknown[]> = {
  'app.info': [undefined, null],
  'session.state': [undefined],
  'file.open': [undefined],
  'file.openRecent': [{ path: '/tmp/a.pcap' }],
  'file.openDropped': [{ path: 'C:\\captures\\a b.pcapng' }],
  'file.recent': [undefined],
  'file.save': [{ as: false, view: VIEW }, { as: true, view: { ...VIEW, selected: null, sort: null, columnWidths: {}, paneSizes: [] } }],
  'file.exportDisplayed': [{ view: VIEW }],
  'file.confirmDiscard': [undefined],
  'file.recoverable': [undefined],
  'file.recover': [{ path: '/home/u/.config/Paquet/captures/123-a1b2c3/live.pcapng' }],
  'file.discardRecoverable': [{ path: '/home/u/.config/Paquet/captures/123-a1b2c3/live.pcapng' }],
  'capture.devices': [undefined],
  'capture.checkFilter': [{ interface: 'lo', filter: '' }, { interface: '\\Device\\NPF_{1234}', filter: 'tcp port 80' }],
  'capture.start': [
    { interface: 'lo', filter: '' },
    { interface: 'eth0', filter: 'udp', snapLen: 0, promiscuous: false },
    { interface: 'eth0', filter: 'udp', snapLen: 262144, promiscuous: undefined },
  ],
  'capture.stop': [undefined],
  'capture.setupPermission': [undefined],
  'rows.get': [{ from: 0, count: 0 }, { from: 10, count: LIMITS.rowsPerRequest }],
  'rows.indexOf': [{ num: 1 }],
  'rows.sort': [{ order: null }, { order: { column: 'info', descending: false } }],
  'rows.find': [{ kind: 'string', text: 'hi', after: -1 }, { kind: 'hex', text: 'de ad', after: 5, backwards: true }],
  'filter.check': [{ text: '' }, { text: 'x'.repeat(LIMITS.filterChars) }],
  'filter.apply': [{ text: 'tcp.port == 7272' }],
  'filter.history': [undefined],
  'packet.detail': [{ num: 23 }],
  'packet.setComment': [{ num: 1, comment: '' }, { num: 1, comment: 'c'.repeat(LIMITS.commentChars) }],
  'tcpdump.lines': [{ from: 0, count: 10, mode: 'X' }, { from: 3, count: LIMITS.tcpdumpPacketsPerRequest, mode: 'websocket' }],
  'follow.tcp': [{ stream: 0 }],
  'websocket.conversations': [undefined],
  'websocket.messages': [{ id: 0 }],
  'websocket.export': [{ id: 2 }],
};

/** Bad arguments: [args, a fragment the message must contain]. */
const BAD: Partial<Record<RequestName, [unknown, string][]>> = {
  'app.info': [[{}, 'takes no arguments'], [0, 'takes no arguments'], ['x', 'takes no arguments']],
  'file.open': [[{ path: '/etc/passwd' }, 'takes no arguments']],
  'file.openRecent': [
    [undefined, 'must be an object'],
    [{}, 'args.path is missing'],
    [{ path: 5 }, 'args.path must be a string'],
    [{ path: '' }, 'args.path is empty'],
    [{ path: '/a\0b' }, 'NUL'],
    [{ path: '/' + 'a'.repeat(LIMITS.pathChars) }, 'too long'],
    [{ path: '/a', extra: 1 }, 'unknown field "extra"'],
    [['/a'], 'must be an object, not an array'],
  ],
  'file.recoverable': [[{ path: '/a' }, 'takes no arguments']],
  'file.recover': [
    [undefined, 'must be an object'],
    [{}, 'args.path is missing'],
    [{ path: 1 }, 'args.path must be a string'],
    [{ path: '' }, 'args.path is empty'],
    [{ path: '/a\0b' }, 'NUL'],
    [{ path: '/a', all: true }, 'unknown field "all"'],
  ],
  'file.discardRecoverable': [
    [{}, 'args.path is missing'],
    [{ path: null }, 'args.path must be a string, not null'],
    [{ path: 'x'.repeat(LIMITS.pathChars + 1) }, 'too long'],
  ],
  'file.save': [
    [{ as: 'yes', view: VIEW }, 'args.as must be true or false'],
    [{ as: true }, 'args.view is missing'],
    [{ as: true, view: { ...VIEW, terminalMode: 'Z' } }, 'args.view.terminalMode must be one of'],
    [{ as: true, view: { ...VIEW, selected: 0 } }, 'args.view.selected must be between 1'],
    [{ as: true, view: { ...VIEW, selected: 1.5 } }, 'args.view.selected must be an integer'],
    [{ as: true, view: { ...VIEW, scrollRow: -1 } }, 'args.view.scrollRow'],
    [{ as: true, view: { ...VIEW, paneSizes: [0.5, 2] } }, 'args.view.paneSizes[1] must be between 0 and 1'],
    [{ as: true, view: { ...VIEW, paneSizes: new Array(9).fill(0.1) } }, 'args.view.paneSizes has 9 entries'],
    [{ as: true, view: { ...VIEW, paneSizes: 'x' } }, 'args.view.paneSizes must be an array'],
    [{ as: true, view: { ...VIEW, columnWidths: { colour: 3 } } }, 'args.view.columnWidths has an unknown field "colour"'],
    [{ as: true, view: { ...VIEW, columnWidths: { num: Number.NaN } } }, 'args.view.columnWidths.num must be a number'],
    [{ as: true, view: { ...VIEW, sort: { column: 'num' } } }, 'args.view.sort.descending is missing'],
    [{ as: true, view: { ...VIEW, displayFilter: 'x'.repeat(LIMITS.filterChars + 1) } }, 'args.view.displayFilter is too long'],
  ],
  'capture.checkFilter': [
    [{ interface: '', filter: '' }, 'args.interface is empty'],
    [{ interface: '-w/etc/x', filter: '' }, 'cannot start with "-"'],
    [{ interface: 'eth0\n', filter: '' }, 'control character'],
    [{ interface: 'i'.repeat(300), filter: '' }, 'args.interface is too long'],
  ],
  'capture.start': [
    [{ interface: 'lo', filter: '', snapLen: -1 }, 'args.snapLen must be between 0 and 262144'],
    [{ interface: 'lo', filter: '', snapLen: 1e9 }, 'args.snapLen'],
    [{ interface: 'lo', filter: '', promiscuous: 1 }, 'args.promiscuous must be true or false'],
    [{ interface: 'lo' }, 'args.filter is missing'],
    [{ interface: 'lo', filter: 'x'.repeat(LIMITS.filterChars + 1) }, 'args.filter is too long'],
  ],
  'rows.get': [
    [{ from: 0, count: LIMITS.rowsPerRequest + 1 }, 'args.count must be between 0 and 2000'],
    [{ from: -1, count: 1 }, 'args.from must be between 0'],
    [{ from: '0', count: 1 }, 'args.from must be an integer, not a string'],
    [{ from: Number.POSITIVE_INFINITY, count: 1 }, 'args.from must be an integer'],
    [{ from: 1e300, count: 1 }, 'args.from must be between'],
    [{ from: 0 }, 'args.count is missing'],
  ],
  'rows.indexOf': [[{ num: 0 }, 'args.num must be between 1'], [{ num: null }, 'args.num must be an integer, not null']],
  'rows.sort': [[{ order: { column: 'colour', descending: true } }, 'args.order.column must be one of'], [{}, 'args.order is missing']],
  'rows.find': [
    [{ kind: 'regex', text: 'a', after: 0 }, 'args.kind must be one of filter, string, hex'],
    [{ kind: 'string', text: 'a', after: -2 }, 'args.after must be between -1'],
    [{ kind: 'string', text: 'a', after: 0, backwards: 'no' }, 'args.backwards'],
  ],
  'filter.apply': [[{ text: 'x'.repeat(LIMITS.filterChars + 1) }, 'args.text is too long (4097 characters, at most 4096)'], [{ text: ['tcp'] }, 'args.text must be a string']],
  'packet.setComment': [[{ num: 1, comment: 'c'.repeat(LIMITS.commentChars + 1) }, 'args.comment is too long']],
  'tcpdump.lines': [
    [{ from: 0, count: LIMITS.tcpdumpPacketsPerRequest + 1, mode: 'A' }, 'args.count'],
    [{ from: 0, count: 1, mode: 'a' }, 'args.mode must be one of A, X, websocket'],
  ],
  'follow.tcp': [[{ stream: -1 }, 'args.stream must be between 0']],
  'websocket.export': [[{ id: '0' }, 'args.id must be an integer']],
};

describe('request validation', () => {
  it('has good cases for every request name, and every name is known', () => {
    expect(Object.keys(GOOD).sort()).toEqual([...REQUEST_NAMES].sort());
    for (const name of REQUEST_NAMES) expect(isRequestName(name)).toBe(true);
  });

  for (const name of REQUEST_NAMES) {
    it(`accepts good arguments of ${name}`, () => {
      for (const args of GOOD[name]) {
        const r = validateRequest(name, args);
        expect(r, JSON.stringify(args)?.slice(0, 80)).toMatchObject({ ok: true, name });
      }
    });
  }

  for (const [name, cases] of Object.entries(BAD)) {
    it(`refuses bad arguments of ${name} with a message naming the field`, () => {
      for (const [args, fragment] of cases) {
        const r = validateRequest(name, args);
        expect(r.ok, JSON.stringify(args)?.slice(0, 80)).toBe(false);
        if (!r.ok) {
          expect(r.message).toContain(fragment);
          expect(r.message.startsWith(`${name}: `)).toBe(true);
        }
      }
    });
  }

  it('refuses arguments for requests that take none', () => {
    for (const name of REQUEST_NAMES) {
      if (GOOD[name][0] !== undefined) continue;
      expect(validateRequest(name, { x: 1 }).ok, name).toBe(false);
    }
  });

  it('refuses unknown request names, whatever their type', () => {
    for (const name of ['app.quit', '', 'constructor', '__proto__', 'toString', 42, null, undefined, { name: 'app.info' }]) {
      const r = validateRequest(name, undefined);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.message).toMatch(/^unknown request/);
    }
  });

  it('refuses prototype-pollution attempts and odd objects', () => {
    // JSON.parse makes "__proto__" an own key, as a hostile renderer message would.
    const viaJson = JSON.parse('{"path":"/a","__proto__":{"polluted":true}}') as unknown;
    expect(validateRequest('file.openDropped', viaJson)).toMatchObject({ ok: false });
    const nested = JSON.parse(`{"as":true,"view":${JSON.stringify({ ...VIEW, columnWidths: {} }).replace('"columnWidths":{}', '"columnWidths":{"__proto__":{"x":1}}')}}`) as unknown;
    const r = validateRequest('file.save', nested);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain('unknown field "__proto__"');
    expect(validateRequest('file.openDropped', JSON.parse('{"path":"/a","constructor":{"prototype":{}}}'))).toMatchObject({ ok: false });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();

    class Args {
      path = '/a';
    }
    expect(validateRequest('file.openDropped', new Args())).toMatchObject({ ok: false, message: expect.stringContaining('plain object') });
    const getter = Object.defineProperty({}, 'path', { get: () => '/a', enumerable: true });
    expect(validateRequest('file.openDropped', getter)).toMatchObject({ ok: false, message: expect.stringContaining('accessor') });
    expect(validateRequest('file.openDropped', { path: '/a', [Symbol('s')]: 1 })).toMatchObject({ ok: false });
    expect(validateRequest('file.openDropped', Object.assign(Object.create(null) as object, { path: '/a' }))).toMatchObject({ ok: true });
  });

  it('hands on fresh objects holding only the known fields', () => {
    const args = { interface: 'lo', filter: 'tcp', snapLen: undefined };
    const r = validateArgs('capture.start', args);
    expect(r).toEqual({ ok: true, args: { interface: 'lo', filter: 'tcp' } });
    if (r.ok) expect(r.args).not.toBe(args);
    const v = validateArgs('file.save', { as: true, view: VIEW });
    expect(v.ok && v.args.view).toEqual(VIEW);
    expect(v.ok && v.args.view).not.toBe(VIEW);
  });
});

// ---------------------------------------------------------------- hostile shapes, for every request

type Path = readonly (string | number)[];
interface Leaf {
  readonly path: Path;
  readonly kind: 'string' | 'array' | 'object';
}

/** Every string, array and object inside a good argument (the argument itself included), by path. */
function leaves(v: unknown, path: Path = []): Leaf[] {
  if (typeof v === 'string') return [{ path, kind: 'string' }];
  if (Array.isArray(v)) return [{ path, kind: 'array' }];
  if (typeof v === 'object' && v !== null) {
    return [{ path, kind: 'object' }, ...Object.entries(v).flatMap(([k, x]) => leaves(x, [...path, k]))];
  }
  return [];
}

/** A copy of `v` with the value at `path` replaced. */
function replaced(v: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  const copy = { ...(v as Record<string, unknown>) };
  copy[head as string] = replaced(copy[head as string], rest, value);
  return copy;
}

const where = (path: Path): string => ['args', ...path].join('.');

/** {a:{a:{...}}} `depth` levels deep, built without recursion. */
function deeplyNested(depth: number): Record<string, unknown> {
  let o: Record<string, unknown> = { a: 1 };
  for (let i = 0; i < depth; i++) o = { a: o };
  return o;
}

class Instance {
  path = '/a';
  text = 'tcp';
}

/** Objects that are not plain data: each must be refused wherever an object, a string or an array is expected. */
const NOT_PLAIN: [string, () => unknown][] = [
  ['a Date', () => new Date(0)],
  ['a Map', () => new Map([['path', '/a']])],
  ['a Set', () => new Set(['/a'])],
  ['a Uint8Array', () => new Uint8Array([47, 97])],
  ['a function', () => () => '/a'],
  ['a class instance', () => new Instance()],
  ['an object inheriting its fields', () => Object.create({ path: '/a', text: 'tcp', num: 1 }) as object],
  ['a boxed string', () => new String('/a')],
  ['a RegExp', () => /a/],
  ['a Promise', () => Promise.resolve('/a')],
  ['an Error', () => new Error('/a')],
  ['a Proxy whose traps throw', () => new Proxy({}, { ownKeys: () => { throw new Error('trap'); }, getPrototypeOf: () => { throw new Error('trap'); } })],
];

/** Requests taking an object, with their good arguments. */
const WITH_OBJECT = REQUEST_NAMES.filter((n) => typeof GOOD[n][0] === 'object' && GOOD[n][0] !== null);
const WITHOUT_ARGS = REQUEST_NAMES.filter((n) => GOOD[n][0] === undefined);

function refused(name: RequestName, args: unknown, label: string): string {
  const t0 = performance.now();
  const r = validateRequest(name, args);
  const ms = performance.now() - t0;
  expect(r.ok, `${name} ${label}`).toBe(false);
  // A hostile argument costs little to refuse (the bound is loose: the test machine is shared; 100,000
  // unknown keys take ~100 ms just to list), and is not echoed back whole in the message.
  expect(ms, `${name} ${label} took ${ms.toFixed(1)} ms`).toBeLessThan(1500);
  const message = r.ok ? '' : r.message;
  expect(message.startsWith(`${name}: `), message).toBe(true);
  expect(message.length, message.slice(0, 200)).toBeLessThan(400);
  return message;
}

describe('hostile arguments, for every request', () => {
  const HUGE = 'x'.repeat(10_000_000);
  const HUGE_ARRAY = new Array<number>(1_000_000).fill(0.5);

  it('has requests with strings to try (the table below is not empty by mistake)', () => {
    const withStrings = WITH_OBJECT.filter((n) => leaves(GOOD[n][0]).some((l) => l.kind === 'string'));
    expect(withStrings).toEqual(expect.arrayContaining(['file.openRecent', 'file.recover', 'file.discardRecoverable', 'file.save', 'capture.start', 'rows.find', 'filter.apply', 'packet.setComment', 'tcpdump.lines']));
    expect(WITHOUT_ARGS).toEqual(expect.arrayContaining(['file.recoverable', 'app.info']));
  });

  for (const name of WITH_OBJECT) {
    const good = GOOD[name][0];
    const all = leaves(good);

    it(`${name}: an oversized string or array in place of any string field is refused, naming the field`, () => {
      for (const leaf of all.filter((l) => l.kind === 'string')) {
        const m = refused(name, replaced(good, leaf.path, HUGE), `${where(leaf.path)} = 10M characters`);
        expect(m).toContain(where(leaf.path));
        expect(m).not.toContain('xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'); // at most 40 characters of it are quoted
        refused(name, replaced(good, leaf.path, HUGE_ARRAY), `${where(leaf.path)} = an array of 1M`);
        refused(name, replaced(good, leaf.path, [HUGE]), `${where(leaf.path)} = [10M characters]`);
      }
    });

    it(`${name}: an oversized array, or an array of strings, in place of any array field is refused`, () => {
      for (const leaf of all.filter((l) => l.kind === 'array')) {
        const m = refused(name, replaced(good, leaf.path, HUGE_ARRAY), `${where(leaf.path)} = an array of 1M`);
        expect(m).toContain(where(leaf.path));
        refused(name, replaced(good, leaf.path, [HUGE]), `${where(leaf.path)} = [10M characters]`);
        refused(name, replaced(good, leaf.path, HUGE), `${where(leaf.path)} = 10M characters`);
      }
    });

    it(`${name}: deeply nested objects anywhere are refused without recursion`, () => {
      const deep = deeplyNested(100_000);
      for (const leaf of all) {
        refused(name, replaced(good, leaf.path, deep), `${where(leaf.path)} = 100000 levels deep`);
        // An extra field holding a deep object, next to valid ones.
        if (leaf.kind === 'object') {
          const m = refused(name, replaced(good, [...leaf.path, 'extra'], deep), `${where([...leaf.path, 'extra'])} = deep`);
          expect(m).toContain('unknown field "extra"');
        }
      }
    });

    it(`${name}: objects that are not plain data are refused wherever an object, a string or an array goes`, () => {
      for (const leaf of all) {
        for (const [label, make] of NOT_PLAIN) {
          // An object inheriting its fields may stand where a free-form map goes (columnWidths takes {}):
          // it is refused there because it is not plain, which is the point of the check.
          refused(name, replaced(good, leaf.path, make()), `${where(leaf.path)} = ${label}`);
        }
      }
    });

    it(`${name}: a huge number of unknown fields is refused`, () => {
      const many: Record<string, number> = {};
      for (let i = 0; i < 100_000; i++) many[`k${i}`] = i;
      refused(name, { ...(good as object), ...many }, '100000 extra fields');
    });
  }

  it('requests without arguments refuse oversized, deep and odd ones', () => {
    for (const name of WITHOUT_ARGS) {
      refused(name, HUGE, '10M characters');
      refused(name, HUGE_ARRAY, 'an array of 1M');
      refused(name, deeplyNested(100_000), 'deep');
      for (const [label, make] of NOT_PLAIN) refused(name, make(), label);
    }
  });
});
