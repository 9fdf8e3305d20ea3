/**
 * The small caches the summary path keeps per capture (MAC texts by slot, the session's state by
 * key, the shared TCP analysis flag objects): each must give what an uncached look-up gives, also
 * when two keys meet in one slot.
 */
import { describe, expect, it } from 'vitest';
import { SessionState } from '../../shared/dissect/packet.js';
import { etherName } from '../../shared/dissect/proto/eth.js';
import { Af, flagsOf } from '../../shared/dissect/proto/tcp-analysis.js';

function mac(text: string): Uint8Array {
  return Uint8Array.from(text.split(':').map((h) => parseInt(h, 16)));
}

describe('etherName', () => {
  it('tells apart addresses that share a slot, whichever was cached last', () => {
    // Both land in slot 0 (high 0x000000 / 0x001000, low 0): each call must still name its own address.
    const a = '00:00:00:00:00:00';
    const b = '00:10:00:00:00:00';
    for (let i = 0; i < 3; i++) {
      expect(etherName(mac(a))).toBe(a);
      expect(etherName(mac(b))).toBe(b);
    }
  });

  it('reads the address at an offset and handles the top of the range', () => {
    const bytes = mac('aa:bb:ff:ff:ff:ff:ff:ff');
    expect(etherName(bytes, 2)).toBe('ff:ff:ff:ff:ff:ff');
    expect(etherName(bytes, 0)).toBe('aa:bb:ff:ff:ff:ff');
  });
});

describe('SessionState', () => {
  it('makes state once per key and finds it again', () => {
    const s = new SessionState();
    let made = 0;
    const init = (): { n: number } => ({ n: ++made });
    const tcp = s.get('tcp', init);
    expect(s.get('tcp', init)).toBe(tcp);
    expect(s.get('udp', init)).not.toBe(tcp);
    expect(made).toBe(2);
    expect(s.find('dns')).toBeUndefined();
    s.set('dns', 'x');
    expect(s.find('dns')).toBe('x');
    s.set('dns', 'y');
    expect(s.find('dns')).toBe('y');
    // A key built at run time (not the same string object) finds the same state.
    expect(s.find(['tc', 'p'].join(''))).toBe(tcp);
  });
});

describe('flagsOf', () => {
  it('gives one frozen object per bit pattern, with exactly the flags of its bits', () => {
    const f = flagsOf(Af.Retransmission | Af.Spurious);
    expect(flagsOf(Af.Retransmission | Af.Spurious)).toBe(f);
    expect(f).toEqual({ retransmission: true, spurious: true });
    expect(Object.isFrozen(f)).toBe(true);
    expect(flagsOf(0)).toEqual({});
    expect(flagsOf(Af.ZeroWindow)).toEqual({ zeroWindow: true });
  });
});
