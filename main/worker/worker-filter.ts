/**
 * A display filter as the worker applies it, as cheaply as the filter allows:
 * answered from the packet store when the store holds what it reads
 * (summary-filter.ts), or from the store and the frame's bytes read from the
 * file (`frame contains "GET"`), else the packet dissected again with only the
 * items the filter names (a FieldSet tree, not the full tree), and only as
 * many of its layers as hold them (layer-cut.ts: `ip.ttl` needs no TCP or HTTP).
 */
import type { CaptureRecord } from '../../shared/capture/types.js';
import type { Dissected } from '../../shared/dissect/engine.js';
import { FieldSet, type TreeShape } from '../../shared/dissect/tree.js';
import { dissectShaped, protocolOf, treeShapeFor, type CompiledFilter } from '../../shared/filter/index.js';
import { layerCut } from '../../shared/filter/layer-cut.js';
import { hfFrame } from '../../shared/dissect/frame.js';
import { hfIp, IP_FRAGMENT_FIELDS } from '../../shared/dissect/proto/ipv4.js';
import { hfTcpPdu } from '../../shared/dissect/proto/tcp-reassembly.js';
import { hfTcpReasm } from '../../shared/dissect/proto/tcp-stream.js';
import type { Registry } from '../../shared/dissect/registry.js';
import type { CaptureIndex } from './capture-index.js';
import { NO_STACK } from './packet-store.js';
import { SummaryFilter } from './summary-filter.js';

/** The protocols whose fields let a first pass dissect only the packets a filter tests (see firstPassCut). */
const CANDIDATES_ONLY: ReadonlySet<string> = new Set(['frame', 'ip']);
/**
 * Fields of those protocols that depend on other packets: IPv4 reassembly's (the datagram's other
 * fragments), frame.protocols (it lists every layer, which the upper layers' state decides).
 */
export const NOT_CUT_FIELDS: ReadonlySet<string> = new Set(
  [...Object.values(IP_FRAGMENT_FIELDS), hfIp.reassembledIn, hfFrame.protocols].map((def) => def.abbrev),
);

/** The protocols whose fields a first pass that dissects no layer above TCP still gives (see firstPassCut). */
export const UP_TO_TCP: ReadonlySet<string> = new Set(['frame', 'eth', 'sll', 'ip', 'ipv6', 'tcp']);
/**
 * Fields of those protocols that the layers above TCP decide: the messages they had TCP
 * reassemble, the PDUs they found, frame.protocols (test/filter/first-pass-fields.test.ts).
 */
export const ADDED_ABOVE_TCP: ReadonlySet<string> = new Set(
  [...Object.values(hfTcpReasm), ...Object.values(hfTcpPdu), hfFrame.protocols].map((def) => def.abbrev),
);

/**
 * How a single pass from the first frame (the filter helper's) may save work for a filter naming
 * `fields`: `candidates` when they are frame and IPv4 header fields that depend on no other packet
 * (only the packets the filter tests are dissected, only up to the layers holding those fields);
 * `above-tcp` when they are fields of TCP and the layers below it that the layers above do not
 * decide (every packet is dissected, but no layer above TCP); `none` otherwise.
 */
export type FirstPassCut = 'candidates' | 'above-tcp' | 'none';

export function firstPassCut(fields: Iterable<string>, registry: Registry): FirstPassCut {
  let cut: FirstPassCut = 'candidates';
  for (const name of fields) {
    const protocol = protocolOf(name, registry);
    if (CANDIDATES_ONLY.has(protocol) && !NOT_CUT_FIELDS.has(name)) continue;
    if (!UP_TO_TCP.has(protocol) || ADDED_ABOVE_TCP.has(name)) return 'none';
    cut = 'above-tcp';
  }
  return cut;
}

export class WorkerFilter {
  readonly summary: SummaryFilter;
  /** The tree a packet the store cannot answer for is dissected with. */
  readonly tree: TreeShape | true;
  /** The layers a packet of each stack (by its id in the store) needs; undefined: all. */
  private readonly layers: (number | undefined)[] = [];
  private readonly layersOf: ((stackText: string) => number | undefined) | undefined;

  constructor(readonly filter: CompiledFilter, private readonly cap: CaptureIndex) {
    this.summary = new SummaryFilter(cap.store, filter, cap.registry);
    this.tree = treeShapeFor([filter]);
    if (this.tree instanceof FieldSet) this.layersOf = layerCut(filter.fields, cap.registry);
  }

  /** The tree indexed packet i is dissected again with: this.tree, or fewer of its layers. */
  private shapeOf(i: number): TreeShape | true {
    const layers = this.layersFor(i);
    return layers === undefined || !(this.tree instanceof FieldSet) ? this.tree : this.tree.upTo(layers);
  }

  /** The layers indexed packet i needs dissected (undefined: all), from the stack the first pass stored. */
  layersFor(i: number): number | undefined {
    const stack = this.cap.store.stackOf(i);
    if (!this.layersOf || stack === NO_STACK) return undefined;
    if (!(stack in this.layers)) this.layers[stack] = this.layersOf(this.cap.store.stacks.values[stack]!);
    return this.layers[stack];
  }

  /** What a first pass may leave out for this filter (see firstPassCut); only for a pruned tree. */
  get firstPassCut(): FirstPassCut {
    return this.layersOf ? firstPassCut(this.filter.fields, this.cap.registry) : 'none';
  }

  get text(): string {
    return this.filter.text;
  }

  /** Whether indexed packet i passes, reading it from the file only when the store cannot say. */
  async test(i: number): Promise<boolean> {
    return this.summary.test(i) ?? this.testRecord(await this.cap.reader.readPacket(i));
  }

  /** The same for an indexed packet read from the file: dissected only when the store and its bytes cannot say. */
  testRecord(rec: CaptureRecord): boolean {
    return this.summary.test(rec.index, rec) ?? this.matches(dissectShaped(this.cap.dissection, this.cap.frameInput(rec), this.shapeOf(rec.index)));
  }

  /** The same for the packet the first pass just dissected (without its tree) as `d`. */
  testIndexed(i: number, d: Dissected): boolean {
    const frame = d.ctx.frame;
    return this.summary.test(i, frame) ?? this.matches(dissectShaped(this.cap.dissection, frame, this.tree));
  }

  /** The filter on a packet dissected with (at least) this.tree. */
  matches(d: Dissected): boolean {
    return filterKeeps(this.filter, d);
  }
}

/** Whether `filter` keeps a packet dissected with (at least) its tree. */
export function filterKeeps(filter: CompiledFilter, d: Dissected): boolean {
  try {
    return filter.matches(d);
  } catch {
    // A filter that cannot be evaluated on a packet (a bug, not user error) does not keep it.
    return false;
  }
}
