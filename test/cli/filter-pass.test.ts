/**
 * `paquet read -Y` (main/cli/filter-pass.ts) answers filters from summary facts
 * without a tree, rewinding to pruned trees at the first packet the facts cannot
 * answer: every packet of every shared capture must get the full tree's answer,
 * for filters on protocols, frame numbers and lengths, addresses, ports and
 * streams (fixed ones and ones with values taken from each capture), and the
 * noted items (HTTP messages, TCP flags and analysis flags) and the frame's
 * bytes, which never need a rewind unless counted; and HTTP request methods.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Dissected } from '../../shared/dissect/engine.js';
import { frameInputFrom } from '../../shared/dissect/frame-input.js';
import { defaultRegistry } from '../../shared/dissect/protocols.js';
import { walk } from '../../shared/dissect/tree.js';
import { compileFilter, type CompiledFilter } from '../../shared/filter/index.js';
import { fieldText } from '../../shared/format/field-text.js';
import { openCaptureStream } from '../../main/cli/capture-stream.js';
import { FilterPass } from '../../main/cli/filter-pass.js';
import { dissectFile } from '../support/dissect-file.js';
import { hardHttpCapture } from '../support/hard-http.js';
import { corpusFiles } from '../worker/corpus.js';

const registry = defaultRegistry();

const FILTERS = [
  'tcp.port == 80', 'ip.addr == 127.0.0.1', 'udp', 'tcp && !http', 'frame.len > 100', 'ip.src != 10.0.0.1 && tcp.dstport in {80 443}',
  'websocket', 'dns', 'udp.port == 53', 'tcp.stream == 1', 'tcp.port != 80', 'count(ip.addr) == 2', 'len(udp.port) == 2',
  'frame.number in {2..4} || icmp', 'http.request.method == "GET"', 'ip.src#1 == 10.0.0.1', '!ip', 'udp.srcport > 1024 && ip.dst != 1.2.3.4',
  'http.request and tcp.port == 80', 'http.response && frame.len > 200', 'count(http.request) == 1', 'count(http.response) > 1',
  'http contains "HTTP"', 'tcp.analysis.flags && ip.addr == 127.0.0.1', 'tcp.flags.syn == 1 && tcp.flags.ack == 0', 'count(tcp.flags.fin) == 1',
  'tcp.len > 0', 'tcp.len == 0', 'tcp.len >= 1000', '!(tcp.len > 0)', 'tcp.len > 0 and tcp.port == 80', 'count(tcp.len) == 1',
  'http.request.method != "GET"', 'http.request.method in {"GET" "POST"}', 'http.request.method contains "T" && tcp.port == 80',
];

/** Filters on the noted items alone (HTTP messages, TCP flags and analysis flags): the facts answer them on every capture, without a rewind. */
const NEVER_REWOUND = [
  'http.request', 'http.response', '!http.request', 'http.request or http.response', 'http', '!http', 'tcp.analysis.flags',
  'tcp.analysis.retransmission', 'tcp.flags.syn == 1', 'tcp.flags.reset == 1', '!(tcp.flags.fin == 1)',
  // The frame's value is its captured bytes, which the engine holds.
  'frame contains "GET"', 'frame matches "(?i)content-length"', 'frame[0:2] == 00:00', 'len(frame) > 100 && frame contains 00:00',
];

function compile(text: string): CompiledFilter {
  const r = compileFilter(text, registry);
  if (!r.ok) throw new Error(`${text}: ${r.error.message}`);
  return r.filter;
}

/** Filters on values the capture holds: its first packet's addresses and ports. */
function filtersFrom(first: Dissected | undefined): string[] {
  const texts: string[] = [];
  for (const node of walk(first?.tree ?? [])) {
    const a = node.def.abbrev;
    if (a === 'ip.src' || a === 'ip.dst') texts.push(`ip.addr == ${fieldText(node)}`, `${a} != ${fieldText(node)}`);
    if (/^(tcp|udp)\.(src|dst)port$/.test(a)) texts.push(`${a.split('.')[0]}.port == ${fieldText(node)}`, `${a} == ${fieldText(node)} && ip`);
  }
  return texts;
}

/** What `paquet read -Y` keeps, frame by frame, as read.ts drives FilterPass; and whether it rewound. */
async function kept(path: string, filter: CompiledFilter): Promise<{ passes: boolean[]; rewound: boolean }> {
  const pass = new FilterPass(registry, filter, false, path);
  const capture = await openCaptureStream(path);
  const passes: boolean[] = [];
  for await (const batch of capture.batches()) {
    for (const rec of batch) {
      const frame = frameInputFrom(rec, capture.parser.interfaces);
      let d = pass.dissect(frame);
      if (!d) {
        await pass.rewind(frame.num);
        d = pass.dissect(frame)!;
      }
      passes.push(pass.passes(d));
    }
  }
  return { passes, rewound: pass.rewound };
}

describe('paquet read -Y from summary facts', () => {
  it('keeps the packets the full tree keeps, over every shared capture', async () => {
    const problems: string[] = [];
    let compared = 0, files = 0, rewound = 0, withoutRewind = 0;
    const hard = hardHttpCapture();
    onTestFinished(() => hard.remove());
    for (const path of [...corpusFiles(), hard.path]) {
      let full: Dissected[];
      try {
        full = dissectFile(path).packets;
      } catch {
        continue;
      }
      files++;
      const name = path.split('/shared/')[1] ?? path;
      for (const text of [...FILTERS, ...NEVER_REWOUND, ...filtersFrom(full[0])]) {
        const filter = compile(text);
        const got = await kept(path, filter);
        expect(got.passes.length, name).toBe(full.length);
        if (got.rewound) rewound++;
        else withoutRewind++;
        if (got.rewound && NEVER_REWOUND.includes(text)) problems.push(`${name}: "${text}" rewound`);
        full.forEach((p, i) => {
          compared++;
          const want = filter.matches(p);
          if (got.passes[i] !== want && problems.length < 20) problems.push(`${name} #${i + 1}: "${text}" gives ${got.passes[i]}, the full tree ${want}`);
        });
      }
    }
    expect(problems).toEqual([]);
    expect(files).toBeGreaterThan(300);
    expect(compared).toBeGreaterThan(100_000);
    // Both paths ran: most runs are answered without a rewind, some (ICMP errors, tunnels, HTTP fields) rewound.
    expect(withoutRewind).toBeGreaterThan(rewound);
    expect(rewound).toBeGreaterThan(50);
  }, 300_000);
});
