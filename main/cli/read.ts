/**
 * `paquet read FILE`: dissect a capture frame by frame, in file order, and
 * print each packet as tshark would (summary line, -V tree, -x dump, -T
 * fields or -T json) as soon as it is dissected, so any file size streams.
 */
import { frameInputFrom } from '../../shared/dissect/frame-input.js';
import type { Writable } from 'node:stream';
import type { ParsedRecord } from '../../shared/capture/index.js';
import type { InterfaceInfo } from '../../shared/capture/types.js';
import type { Dissected } from '../../shared/dissect/engine.js';
import type { FrameInput } from '../../shared/dissect/packet.js';
import { defaultRegistry } from '../../shared/dissect/protocols.js';
import type { Registry } from '../../shared/dissect/registry.js';
import { caretLines, compileFilter, type CompiledFilter } from '../../shared/filter/index.js';
import { COLUMN_FIELD_PREFIX, FieldsPrinter, invalidFields, invalidFieldsMessage } from '../../shared/format/fields-output.js';
import { packetHexDump } from '../../shared/format/hexdump.js';
import { JsonArray, packetJson, packetJsonFields } from '../../shared/format/json-output.js';
import {
  DEFAULT_TIME_DIGITS, digitsForResolution, formatSummary, summaryColumns, timeColumn, type SummaryColumns,
} from '../../shared/format/summary.js';
import { treeLines } from '../../shared/format/tree-text.js';
import { parseReadArgs, UsageError, type ReadOptions } from './args.js';
import { CaptureOpenError, damageMessage, openCaptureStream } from './capture-stream.js';
import { FilterPass } from './filter-pass.js';
import { BufferedOutput } from './output.js';
import { readSplit, splitChoice, splittable, type SplitChoice } from './read-split.js';
import { tcpdumpArgs } from './tcpdump-mode.js';
import { formatTcpdump, type TcpdumpOptions } from '../../shared/tcpdump/index.js';

export const PROGRAM = 'paquet';

export async function runRead(argv: readonly string[], stdout: Writable, stderr: Writable, split: SplitChoice = splitChoice()): Promise<number> {
  const fail = (message: string, code: number): number => {
    stderr.write(`${PROGRAM}: ${message}\n`);
    return code;
  };
  let opts: ReadOptions;
  const tcpdump = tcpdumpArgs(argv);
  try {
    opts = parseReadArgs(tcpdump ? tcpdump.rest : argv);
  } catch (e) {
    if (e instanceof UsageError) return fail(e.message, e.exitCode);
    throw e;
  }

  const registry = defaultRegistry();
  const bad = invalidFields(opts.fields, registry);
  if (bad.length > 0) {
    stderr.write(invalidFieldsMessage(PROGRAM, bad));
    return 1;
  }

  let filter: CompiledFilter | undefined;
  if (opts.displayFilter !== undefined) {
    const compiled = compileFilter(opts.displayFilter, registry);
    if (!compiled.ok) {
      // tshark: the message, then the filter with a caret under the fault; exit status 2.
      const hint = compiled.error.suggestion ? [`    Did you mean "${compiled.error.suggestion}"?`] : [];
      stderr.write([`${PROGRAM}: ${compiled.error.message}`, ...caretLines(opts.displayFilter, compiled.error), ...hint].join('\n') + '\n');
      return 2;
    }
    filter = compiled.filter;
  }

  let capture;
  try {
    capture = await openCaptureStream(opts.file);
  } catch (e) {
    if (e instanceof CaptureOpenError) return fail(e.message, e.exitCode);
    throw e;
  }

  const out = new BufferedOutput(stdout);
  const printer = new PacketPrinter(opts, out, tcpdump?.options);
  // Frames before this one were printed by a split read that stopped (read-split.ts).
  let printFrom = 1;
  if (splittable(opts, tcpdump !== null, capture.fileBytes, split, filter?.fields)) {
    const end = await readSplit(argv, out);
    if (end.kind === 'done') {
      printer.finish();
      await out.end();
      return end.problem && !out.closed ? fail(damageMessage(opts.file, end.problem), 2) : 0;
    }
    printFrom = end.printedUpTo + 1;
  }
  // The display filter is answered from summary facts without a tree where it can, else on the items it names.
  const pass = new FilterPass(registry, filter, printer.treeNeeded(registry), opts.file);
  let read = 0;
  try {
    reading: for await (const batch of capture.batches()) {
      for (const rec of batch) {
        const ifaces = capture.parser.interfaces;
        const frame = frameInputFrom(rec, ifaces);
        if (frame.num < printFrom) {
          pass.dissect(frame);
          printer.skipped(rec);
          continue;
        }
        let d = pass.dissect(frame);
        if (!d) {
          await pass.rewind(frame.num);
          d = pass.dissect(frame)!;
        }
        // -c counts packets read, shown or not, as tshark does.
        read++;
        if (pass.passes(d)) printer.packet(d, rec, ifaces[rec.interface]);
        else printer.skipped(rec);
        if (out.closed || (opts.count !== undefined && read >= opts.count)) break reading;
        // Awaited only when a flush began: an await per packet would cost a microtask each.
        const flushing = out.maybeFlush();
        if (flushing) await flushing;
      }
    }
  } catch (e) {
    printer.finish();
    await out.end();
    if (e instanceof CaptureOpenError) return fail(e.message, e.exitCode);
    throw e;
  }
  printer.finish();
  await out.end();
  if (out.closed) return 0;
  const problem = opts.count !== undefined && read >= opts.count ? undefined : capture.problem();
  if (problem) return fail(damageMessage(opts.file, problem), 2);
  return 0;
}

/** Decimals of the Time column for an interface's timestamp resolution (`10^-6`, `10^-9`, `2^-k`). */
export function timeDigits(iface: InterfaceInfo | undefined): number {
  const m = /^(10|2)\^-(\d+)$/.exec(iface?.tsResolution ?? '');
  if (!m) return DEFAULT_TIME_DIGITS;
  return digitsForResolution(Number(m[2]), m[1] === '2');
}

/** Where PacketPrinter writes: stdout's buffer, or a thread's chunk in a split read. */
export interface TextOutput {
  write(text: string): void;
  line(text: string): void;
}

/** Turns each dissected packet into the output the options ask for. */
export class PacketPrinter {
  /** What is printed reads the tree (a display filter may need it besides: see runRead). */
  readonly needsTree: boolean;
  /** -T fields' tree fields: only these need items (unless a protocol's label is printed). */
  private readonly treeFieldNames: readonly string[];
  private readonly fields: FieldsPrinter | undefined;
  private readonly json: JsonArray | undefined;
  /** -T text: the summary line unless only -V or -x was asked for (or -P forces it). */
  private readonly summary: boolean;
  /** Timestamps of the previous frame (-t d) and of the previous one printed (-t dd). */
  private prevSec: number | undefined;
  private prevNsec = 0;
  private shownSec: number | undefined;
  private shownNsec = 0;

  constructor(
    private readonly opts: ReadOptions,
    private readonly out: TextOutput,
    /** -T tcpdump: tcpdump's text instead of tshark's. */
    private readonly tcpdump?: TcpdumpOptions,
  ) {
    this.treeFieldNames = opts.fields.filter((f) => !f.startsWith(COLUMN_FIELD_PREFIX));
    const fieldNeedsTree = this.treeFieldNames.length > 0;
    // tcpdump's view reads the tree (its WebSocket lines come from it).
    this.needsTree = tcpdump !== undefined ||
      (opts.format === 'text' ? opts.details : opts.format === 'json' ? opts.fields.length === 0 || fieldNeedsTree : fieldNeedsTree);
    this.summary = opts.summary || (!opts.details && !opts.hex);
    if (opts.format === 'fields') {
      this.fields = new FieldsPrinter(opts.fields, opts.fieldsOptions);
      out.write(this.fields.preamble());
    }
    if (opts.format === 'json') this.json = new JsonArray();
  }

  /**
   * The tree what is printed reads: none, the whole tree, or for -T fields only the named fields (a
   * pruned tree without label text, as a display filter's), unless one is a protocol, printed as its label.
   */
  treeNeeded(registry: Registry): boolean | ReadonlySet<string> {
    if (!this.needsTree) return false;
    if (this.opts.format !== 'fields' || this.tcpdump !== undefined) return true;
    const protocolLabel = this.treeFieldNames.some((name) => registry.field(name)?.type === 'protocol');
    return protocolLabel ? true : new Set(this.treeFieldNames);
  }

  packet(d: Dissected, rec: ParsedRecord, iface: InterfaceInfo | undefined): void {
    const cols = this.columns(d, rec, iface);
    this.prevSec = this.shownSec = rec.tsSec;
    this.prevNsec = this.shownNsec = rec.tsNsec;
    this.print(d, cols);
  }

  /** A packet the display filter left out: it still counts as the previous captured frame. */
  skipped(rec: ParsedRecord): void {
    this.prevSec = rec.tsSec;
    this.prevNsec = rec.tsNsec;
  }

  private print(d: Dissected, cols: SummaryColumns): void {
    const out = this.out;
    if (this.tcpdump) {
      for (const line of formatTcpdump(d, this.tcpdump)) out.line(line);
      return;
    }
    if (this.fields) {
      out.line(this.fields.line(d, cols));
      return;
    }
    if (this.json) {
      const doc = this.opts.fields.length > 0
        ? packetJsonFields(d, this.opts.fields, cols)
        : packetJson(d);
      out.write(this.json.item(doc));
      return;
    }
    if (this.summary) out.line(formatSummary(cols));
    if (this.opts.details && d.tree) {
      const lines = treeLines(d.tree, { inlineDataHex: !this.opts.hex, sources: d.sources });
      for (const line of lines) out.line(line);
    }
    if (this.opts.hex) {
      if (this.summary || this.opts.details) out.line('');
      const hexOptions = { delimit: this.opts.hexDelimit, noAscii: this.opts.hexNoAscii, framesOnly: this.opts.hexFramesOnly };
      for (const line of packetHexDump(d.sources, hexOptions)) out.line(line);
    }
    if (this.opts.details || this.opts.hex) out.line('');
  }

  finish(): void {
    if (this.json) this.out.write(this.json.end());
  }

  /** timeDigits() by interface index (it parses the resolution's text). */
  private readonly digitsByInterface: number[] = [];

  private columns(d: Dissected, rec: ParsedRecord, iface: InterfaceInfo | undefined): SummaryColumns {
    const digits = this.digitsByInterface[rec.interface] ??= timeDigits(iface);
    if (rec.noTimestamp) return summaryColumns(d, digits, '');
    if (this.opts.timeFormat === 'r') return summaryColumns(d, digits);
    const displayed = this.opts.timeFormat === 'dd';
    const fromSec = displayed ? this.shownSec : this.prevSec;
    const fromNsec = displayed ? this.shownNsec : this.prevNsec;
    let deltaSec = fromSec === undefined ? 0 : rec.tsSec - fromSec;
    let deltaNsec = fromSec === undefined ? 0 : rec.tsNsec - fromNsec;
    if (deltaNsec < 0) {
      deltaSec -= 1;
      deltaNsec += 1_000_000_000;
    }
    const times = { absSec: rec.tsSec, absNsec: rec.tsNsec, relSec: d.relSec, relNsec: d.relNsec, deltaSec, deltaNsec };
    return summaryColumns(d, digits, timeColumn(this.opts.timeFormat, times, digits));
  }
}
