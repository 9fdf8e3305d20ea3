/**
 * How `paquet read` dissects each frame, and whether its display filter keeps
 * it. A filter its summary facts answer (shared/filter/summary-facts.ts:
 * protocols present, frame number and length, IPv4 addresses, ports, TCP
 * stream and segment length, the items the dissectors noted: HTTP messages, TCP flags and analysis
 * flags, the HTTP request method, the frame's captured bytes) runs without a tree, the cost of a plain `read`. At the first packet
 * the facts cannot answer (a tunnel, an ICMP error quoting a header, a field
 * only the tree has), the capture's state is rebuilt by dissecting the frames
 * before it again without a tree, since a single-pass dissection cannot
 * revisit a frame, and that frame and every later one get the filter's pruned
 * tree. At most one such rewind: a file where the facts fail once is likely to
 * see it again.
 */
import { Dissection, type Dissected } from '../../shared/dissect/engine.js';
import { frameInputFrom } from '../../shared/dissect/frame-input.js';
import type { FrameInput } from '../../shared/dissect/packet.js';
import type { Registry } from '../../shared/dissect/registry.js';
import { FieldSet, type TreeShape } from '../../shared/dissect/tree.js';
import { dissectShaped, treeShapeFor, type CompiledFilter } from '../../shared/filter/index.js';
import { factOf, FactFilter, knownFacts, type FactPlan } from '../../shared/filter/summary-facts.js';
import { openCaptureStream } from './capture-stream.js';

/** Plans kept by frame.protocols text, at most (a capture meets few stacks). */
const PLANS_KEPT = 10_000;

export class FilterPass {
  private dissection: Dissection;
  private tree: TreeShape | boolean;
  /** Null once the filter runs on trees (or with no filter, or a printer that needs the whole tree). */
  private facts: FactFilter | null = null;
  private readonly plans = new Map<string, FactPlan>();
  /** The fact values of one packet, reused. */
  private readonly row: number[] = [];
  /** The facts' answer for the packet dissect() last returned. */
  private answer = true;
  /** Whether the facts failed once and the frames before were dissected again. */
  rewound = false;

  constructor(
    private readonly registry: Registry,
    private readonly filter: CompiledFilter | undefined,
    /** What is printed reads: no tree, the whole tree, or the items of these fields. */
    printerTree: boolean | ReadonlySet<string>,
    /** The capture, opened again for a rewind. */
    private readonly file: string,
  ) {
    this.dissection = new Dissection(registry, { singlePass: true });
    if (printerTree === true) this.tree = true;
    else if (printerTree) this.tree = printedAndFiltered(printerTree, filter);
    else if (!filter) this.tree = false;
    else {
      const facts = new FactFilter(filter, registry);
      this.facts = facts.useful ? facts : null;
      this.tree = this.facts ? false : treeShapeFor([filter]);
    }
  }

  /**
   * The frame dissected, its filter's answer read by passes(); null when the facts
   * cannot answer it: then rewind() and dissect the same frame again.
   */
  dissect(frame: FrameInput): Dissected | null {
    const d = dissectShaped(this.dissection, frame, this.tree);
    if (this.facts) {
      const answer = this.fromFacts(d);
      if (answer === undefined) return null;
      this.answer = answer;
    }
    return d;
  }

  /** The next frame goes to another thread of a split read: counted, not dissected (Dissection.passOver). */
  passOver(num: number, tsSec: number, tsNsec: number): void {
    this.dissection.passOver(num, tsSec, tsNsec);
  }

  /** Whether the display filter keeps the packet dissect() last returned. */
  passes(d: Dissected): boolean {
    if (!this.filter) return true;
    return this.facts ? this.answer : this.filter.matches(d);
  }

  /** Rebuilds the capture's state up to (not including) frame `num`, then gives the filter its pruned tree. */
  async rewind(num: number): Promise<void> {
    const again = new Dissection(this.registry, { singlePass: true });
    const capture = await openCaptureStream(this.file);
    let dissected = 0;
    reading: for await (const batch of capture.batches()) {
      for (const rec of batch) {
        if (dissected === num - 1) break reading;
        again.dissect(frameInputFrom(rec, capture.parser.interfaces), false);
        dissected++;
      }
    }
    if (dissected !== num - 1) throw new Error(`the capture changed while it was read: frame ${num} is no longer there`);
    this.dissection = again;
    this.tree = treeShapeFor([this.filter!]);
    this.facts = null;
    this.rewound = true;
  }

  private fromFacts(d: Dissected): boolean | undefined {
    const facts = this.facts!;
    let plan = this.plans.get(d.protocols);
    if (!plan) {
      plan = facts.plan(d.protocols);
      if (this.plans.size < PLANS_KEPT) this.plans.set(d.protocols, plan);
    }
    switch (plan.kind) {
      case 'tree': return undefined;
      case 'constant': return plan.passes;
      case 'facts': {
        if (plan.need !== 0 && (knownFacts(d) & plan.need) !== plan.need) return undefined;
        const row = this.row;
        for (let c = 0; c < plan.facts.length; c++) {
          const v = factOf(d, plan.facts[c]!);
          if (v < 0) return undefined;
          row[c] = v;
        }
        return facts.answer(plan, row, d.ctx.frame);
      }
    }
  }
}

/** A tree for printed fields and, when there is one, the filter's fields too (the whole tree if it reads layers). */
function printedAndFiltered(printed: ReadonlySet<string>, filter: CompiledFilter | undefined): TreeShape | true {
  if (!filter) return new FieldSet(printed);
  if (filter.usesLayers) return true;
  return new FieldSet([...printed, ...filter.fields]);
}
