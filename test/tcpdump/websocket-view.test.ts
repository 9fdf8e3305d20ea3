/**
 * Paquet's WebSocket mode of the tcpdump view: under each packet, one line per
 * WebSocket frame, checked against the frames tshark 4.0 dissects in the same
 * packet (expected/ws-*.json, made by generate-expected.mjs).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTcpdumpState, formatTcpdump } from '../../shared/tcpdump/index.js';
import { dissectFile, REPO } from '../support/dissect-file.js';

interface WsCase { name: string; capture: string; port: number }
interface TsharkFrame { opcode: number; fin: boolean; mask: boolean; text?: string; closeCode?: number; closeReason?: string; ping?: string; pong?: string }

const here = import.meta.dirname;
const { websocket } = JSON.parse(readFileSync(resolve(here, 'cases.json'), 'utf8')) as { websocket: WsCase[] };

const OPCODES: Record<number, string> = { 0: 'Continuation', 1: 'Text', 2: 'Binary', 8: 'Connection Close', 9: 'Ping', 10: 'Pong' };

/** The line format the mode promises: control characters escaped so a frame stays on one line. */
function escaped(s: string): string {
  return s.replace(/[\x00-\x1f\x7f]/g, (c) =>
    c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function hexPreview(hex: string): string {
  return hex.length > 128 ? hex.slice(0, 128) + '…' : hex;
}

/** The expected line's start (always checked) and, when tshark shows the payload, the whole line. */
function expectedLine(f: TsharkFrame): { prefix: string; full?: string } {
  const prefix = `    WebSocket ${OPCODES[f.opcode] ?? `Opcode ${f.opcode}`}${f.fin ? ' [FIN]' : ''} ${f.mask ? 'client→server' : 'server→client'}`;
  let payload: string | undefined;
  if (f.text !== undefined) payload = escaped(f.text);
  else if (f.closeCode !== undefined) payload = [String(f.closeCode), f.closeReason ? escaped(f.closeReason) : ''].filter(Boolean).join(' ');
  else if (f.ping !== undefined) payload = hexPreview(f.ping);
  else if (f.pong !== undefined) payload = hexPreview(f.pong);
  if (payload === undefined) return { prefix };
  return { prefix, full: prefix + (payload ? ': ' + payload : '') };
}

const report: string[] = [];

describe('WebSocket mode', () => {
  for (const w of websocket) {
    it(`${w.name}: frames and unmasked text as tshark dissects them`, () => {
      const expected = JSON.parse(readFileSync(resolve(here, 'expected', `ws-${w.name}.json`), 'utf8')) as Array<{ frame: number; frames: TsharkFrame[] }>;
      const byFrame = new Map(expected.map((e) => [e.frame, e.frames]));
      const { packets } = dissectFile(resolve(REPO, w.capture), true);
      const state = createTcpdumpState();
      let total = 0, matching = 0;
      const problems: string[] = [];
      for (const d of packets) {
        const lines = formatTcpdump(d, { websocket: true, state }).filter((l) => l.startsWith('    WebSocket '));
        const want = (byFrame.get(d.num) ?? []).map(expectedLine);
        total += Math.max(lines.length, want.length);
        for (let i = 0; i < Math.max(lines.length, want.length); i++) {
          const got = lines[i];
          const exp = want[i];
          const ok = got !== undefined && exp !== undefined && (exp.full !== undefined ? got === exp.full : got.startsWith(exp.prefix));
          if (ok) matching++;
          else if (problems.length < 5) problems.push(`frame ${d.num} #${i + 1}\n  tshark: ${exp ? exp.full ?? exp.prefix + '…' : '(none)'}\n  paquet: ${got ?? '(none)'}`);
        }
      }
      report.push(`${w.name.padEnd(56)} ${String(matching).padStart(4)}/${String(total).padEnd(4)} ${total ? ((100 * matching) / total).toFixed(1) : '100.0'}%`);
      expect(problems.join('\n')).toBe('');
      expect(total).toBeGreaterThan(0);
    });
  }
  afterAll(() => console.log('WebSocket lines matching tshark frames:\n' + report.join('\n')));
});
