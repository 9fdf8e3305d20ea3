/**
 * The shared captures (../shared/captures and ../shared/corpus: ~400 small files
 * of every protocol Paquet dissects, malformed ones included), indexed by the
 * worker's first pass (CaptureIndex), each packet then dissected again with its
 * full tree: the reference the filter tests compare the store and pruned trees with.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { openCaptureFile } from '../../main/capture-file/index.js';
import { openCaptureStream } from '../../main/cli/capture-stream.js';
import { frameInputFrom, type FrameInput } from '../../shared/dissect/frame-input.js';
import { CaptureIndex, type IndexHooks } from '../../main/worker/capture-index.js';
import type { Dissected } from '../../shared/dissect/engine.js';
import { defaultRegistry } from '../../shared/dissect/protocols.js';
import type { Registry } from '../../shared/dissect/registry.js';
import { REPO, SHARED } from '../support/dissect-file.js';

export interface IndexedCapture {
  /** Path relative to the repository, for messages. */
  readonly name: string;
  readonly cap: CaptureIndex;
  /** Every packet dissected again with its full tree, in order. */
  readonly full: Dissected[];
}

/** Every capture file under ../shared/captures and ../shared/corpus, sorted. */
export function corpusFiles(): string[] {
  const out: string[] = [];
  const visit = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) visit(p);
      else if (/\.(pcap|pcapng|cap)(\.gz)?$/.test(name)) out.push(p);
    }
  };
  visit(join(SHARED, 'captures'));
  visit(join(SHARED, 'corpus'));
  return out;
}

/**
 * Index a capture as the worker's first pass does, `packet` seeing each packet as it goes by. Null
 * when it cannot be read (the corpus holds a few such files on purpose). The caller closes it.
 */
export async function firstPass(path: string, packet: IndexHooks['packet'] = () => {}, registry: Registry = defaultRegistry()): Promise<CaptureIndex | null> {
  let reader;
  try {
    reader = await openCaptureFile(path);
  } catch {
    return null;
  }
  const cap = new CaptureIndex(reader, registry, { packet, changed: () => {} }, false);
  cap.start();
  await cap.whenIndexed();
  return cap;
}

/** Index a capture as the worker does, then dissect each packet again with its full tree. Null when it cannot be read. */
export async function indexCapture(path: string, registry: Registry = defaultRegistry()): Promise<IndexedCapture | null> {
  const cap = await firstPass(path, undefined, registry);
  if (!cap) return null;
  const full: Dissected[] = [];
  for (let i = 0; i < cap.indexed; i++) full.push(await cap.dissect(i, true));
  return { name: relative(REPO, path), cap, full };
}

/**
 * Every packet of every readable shared capture, in file order, as a single pass (`paquet read`)
 * reads it; a damaged file up to the damage. `start(file)` is called for each file and gives the
 * function each of its frames goes to, which returns false to leave the file there.
 */
export async function eachCorpusFrame(start: (file: string) => (frame: FrameInput) => boolean | void): Promise<void> {
  for (const file of corpusFiles()) {
    let stream;
    try {
      stream = await openCaptureStream(file);
    } catch {
      continue; // unreadable on purpose (the corpus holds a few)
    }
    const visit = start(file);
    try {
      reading: for await (const batch of stream.batches()) {
        for (const rec of batch) if (visit(frameInputFrom(rec, stream.parser.interfaces)) === false) break reading;
      }
    } catch {
      // a damaged file: its packets up to the damage
    }
  }
}
