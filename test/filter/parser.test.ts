/** The grammar: precedence and grouping as wireshark-filter(4) describes them, and literal readers. */
import { describe, expect, it } from 'vitest';
import { parseFilter } from '../../shared/filter/parser.js';
import type { Entity, Expr } from '../../shared/filter/syntax.js';
import { bytesFromWord, integerValue, ipv4FromText, ipv6FromText } from '../../shared/filter/literals.js';
import { tokenize } from '../../shared/filter/lexer.js';

/** A compact rendering of the parse: (and A B), (not A), names bare. */
function show(e: Expr): string {
  switch (e.k) {
    case 'or': case 'and': return `(${e.k} ${show(e.a)} ${show(e.b)})`;
    case 'not': return `(not ${show(e.a)})`;
    case 'test': return ent(e.e);
    case 'cmp': return `(${e.quant}_${e.op} ${ent(e.a)} ${ent(e.b)})`;
    case 'contains': case 'matches': return `(${e.quant === 'all' ? 'all_' : ''}${e.k} ${ent(e.a)} ${ent(e.b)})`;
    case 'in': return `(in ${ent(e.a)} {${e.set.map((m) => (m.hi ? `${ent(m.lo)}..${ent(m.hi)}` : ent(m.lo))).join(' ')}})`;
  }
}
function ent(e: Entity): string {
  switch (e.k) {
    case 'name': return e.text;
    case 'string': case 'char': return e.raw;
    case 'slice': return `${ent(e.of)}[${e.ranges.map((r) => `${r.start}:${r.length ?? ''}${r.last !== undefined ? '-' + r.last : ''}`).join(',')}]`;
    case 'layer': return `${ent(e.of)}#${e.ranges.map((r) => r.start).join(',')}`;
    case 'call': return `${e.name}(${e.args.map(ent).join(',')})`;
    case 'bitand': return `(${ent(e.a)} & ${ent(e.b)})`;
  }
}

describe('precedence', () => {
  it('reads "A and B or not C or D and not E or F" as the man page says', () => {
    expect(show(parseFilter('A and B or not C or D and not E or F'))).toBe('(or (or (or (and A B) (not C)) (and D (not E))) F)');
  });
  it('binds not tighter than and, and and tighter than or, in symbol form too', () => {
    expect(show(parseFilter('!a && b || c'))).toBe('(or (and (not a) b) c)');
    expect(show(parseFilter('a || b && c'))).toBe('(or a (and b c))');
  });
  it('honours parentheses', () => {
    expect(show(parseFilter('(a or b) and c'))).toBe('(and (or a b) c)');
    expect(show(parseFilter('not (a and b)'))).toBe('(not (and a b))');
  });
});

describe('relations', () => {
  it('maps every comparison spelling to its operator and quantifier', () => {
    const ops: [string, string][] = [
      ['==', 'any_eq'], ['eq', 'any_eq'], ['any_eq', 'any_eq'], ['!=', 'all_ne'], ['ne', 'all_ne'], ['all_ne', 'all_ne'],
      ['===', 'all_eq'], ['all_eq', 'all_eq'], ['!==', 'any_ne'], ['~=', 'any_ne'], ['any_ne', 'any_ne'],
      ['>', 'any_gt'], ['gt', 'any_gt'], ['<', 'any_lt'], ['lt', 'any_lt'], ['>=', 'any_ge'], ['ge', 'any_ge'], ['<=', 'any_le'], ['le', 'any_le'],
    ];
    for (const [op, want] of ops) expect(show(parseFilter(`f ${op} 1`))).toBe(`(${want} f 1)`);
  });
  it('takes any/all in front of a relation', () => {
    expect(show(parseFilter('all tcp.port > 1024'))).toBe('(all_gt tcp.port 1024)');
    expect(show(parseFilter('any ip.addr != 1.1.1.1'))).toBe('(any_ne ip.addr 1.1.1.1)');
    expect(show(parseFilter('all x contains "a"'))).toBe('(all_contains x "a")');
  });
  it('reads sets with commas, spaces and ranges in either spacing', () => {
    expect(show(parseFilter('p in {80, 443 8000..8100, 9000 .. 9001}'))).toBe('(in p {80 443 8000..8100 9000..9001})');
    expect(show(parseFilter('ip.addr in {10.0.0.5 .. 10.0.0.9}'))).toBe('(in ip.addr {10.0.0.5..10.0.0.9})');
    expect(show(parseFilter('p not in {1}'))).toBe('(not (in p {1}))');
  });
  it('reads slices, layers, functions and bitwise and', () => {
    expect(show(parseFilter('frame[0:2] == 00:1c'))).toBe('(any_eq frame[0:2] 00:1c)');
    expect(show(parseFilter('eth.src[1-2] == 00:00'))).toBe('(any_eq eth.src[1:-2] 00:00)');
    expect(show(parseFilter('f[2:] and f[:3] and f[-1] and f[1,3-5,9:]'))).toBe('(and (and (and f[2:] f[0:3]) f[-1:1]) f[1:1,3:-5,9:])');
    expect(show(parseFilter('ip.src#2 == 1.2.3.4'))).toBe('(any_eq ip.src#2 1.2.3.4)');
    expect(show(parseFilter('len(tcp.payload) > 3'))).toBe('(any_gt len(tcp.payload) 3)');
    expect(show(parseFilter('tcp.flags & 0x02 == 2'))).toBe('(any_eq (tcp.flags & 0x02) 2)');
    expect(show(parseFilter('x ~ "a" and y matches "b" and z contains "c"'))).toBe('(and (and (matches x "a") (matches y "b")) (contains z "c"))');
  });
});

describe('string and character literals', () => {
  const str = (s: string): string => tokenize(s)[0]!.value!;
  it('decodes escapes into bytes', () => {
    expect(str('"a\\"b"')).toBe('a"b');
    expect(str('"\\x41\\101\\n\\t\\\\"')).toBe('AA\n\t\\');
    expect(str('"\\u00e9"')).toBe('é');
    expect([...tokenize('"\\xff"')[0]!.bytes!]).toEqual([0xff]);
  });
  it('keeps backslashes in raw strings', () => {
    expect(str('r"\\d+\\.x"')).toBe('\\d+\\.x');
  });
  it('reads character constants as their code', () => {
    expect(tokenize("'\\n'")[0]!.code).toBe(10);
    expect(tokenize("'\\x0a'")[0]!.code).toBe(10);
    expect(tokenize("'\\012'")[0]!.code).toBe(10);
    expect(tokenize("'P'")[0]!.code).toBe(80);
  });
});

describe('literal readers', () => {
  it('reads integers in every base the man page lists', () => {
    for (const t of ['10', '012', '0xa', '0b1010']) expect(integerValue(t)).toBe(10n);
    expect(integerValue('-5')).toBe(-5n);
    expect(integerValue('08')).toBeNull();
    expect(integerValue('0x')).toBeNull();
    expect(integerValue('1.5')).toBeNull();
  });
  it('reads byte strings with any separator', () => {
    for (const t of ['aa:bb:cc', 'aa-bb-cc', 'aa.bb.cc', 'aabbcc']) expect([...bytesFromWord(t)!]).toEqual([0xaa, 0xbb, 0xcc]);
    expect([...bytesFromWord('0x81')!]).toEqual([0x81]);
    expect([...bytesFromWord('0.1.0.d')!]).toEqual([0, 1, 0, 0xd]);
    expect(bytesFromWord('zz')).toBeNull();
  });
  it('reads IPv4 and IPv6 addresses', () => {
    expect(ipv4FromText('192.168.1.1')).toBe(0xc0a80101);
    expect(ipv4FromText('300.1.1.1')).toBeNull();
    expect(ipv4FromText('127.1')).toBeNull();
    const v6 = (s: string): string | null => {
      const b = ipv6FromText(s);
      return b && Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    };
    expect(v6('::1')).toBe('00000000000000000000000000000001');
    expect(v6('::')).toBe('00000000000000000000000000000000');
    expect(v6('fe80::1:2')).toBe('fe800000000000000000000000010002');
    expect(v6('2001:db8:0:0:0:0:2:1')).toBe('20010db8000000000000000000020001');
    expect(v6('::ffff:1.2.3.4')).toBe('00000000000000000000ffff01020304');
    expect(v6('1:2:3:4:5:6:7:8')).toBe('00010002000300040005000600070008');
    expect(v6('1::2::3')).toBeNull();
    expect(v6('1:2:3:4:5:6:7')).toBeNull();
    expect(v6('12345::')).toBeNull();
  });
});
