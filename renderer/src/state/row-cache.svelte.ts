import type { IpcError, Row } from '../../../shared/ipc/contract';
import { isIpcError } from '../../../shared/ipc/contract';

/** Rows per request: a few screens, well under LIMITS.rowsPerRequest. */
export const CHUNK_ROWS = 200;
/** Chunks kept (~100k rows); the oldest beyond that are dropped. */
const MAX_CHUNKS = 500;

export type FetchRows = (from: number, count: number) => Promise<Row[] | IpcError | null>;

/**
 * The packet list's rows, fetched from main by chunk and kept by chunk.
 *
 * - At most one request is outstanding per chunk (`#pending`), whatever the
 *   scrolling does.
 * - `reset(generation)` drops everything when main says fetched rows may have
 *   changed (new filter, sort or file); a reply for an older generation is
 *   thrown away when it arrives.
 * - A chunk at the end of a growing live capture is partial: it is fetched
 *   again when more rows are displayed than it holds (rows don't change
 *   within a generation, they are only appended).
 * - `version` is the reactive signal: it changes whenever rows arrive, so a
 *   component that reads it redraws and asks `ensure` again.
 */
export class RowCache {
  version = $state(0);
  #version = 0;
  #chunks = new Map<number, Row[]>();
  #pending = new Set<number>();
  #failed = new Set<number>();
  #generation = -1;
  /** Bumped by every reset, so replies from before a forced reset are dropped too. */
  #epoch = 0;

  constructor(
    private readonly fetch: FetchRows,
    private readonly onError: (message: string) => void,
  ) {}

  get generation(): number {
    return this.#generation;
  }

  /** Drop rows of an older generation; `force` also when the generation is the same (a new capture). */
  reset(generation: number, force = false): void {
    if (generation === this.#generation && !force) return;
    this.#generation = generation;
    this.#epoch++;
    this.#chunks.clear();
    this.#failed.clear();
    // Pending requests stay marked: their replies are dropped on arrival (the
    // epoch changes even when the generation doesn't), and
    // only then may the same chunk be asked for again.
    this.#bump();
  }

  /** The row at a displayed index, if fetched (reading `version` makes callers reactive). */
  get(index: number): Row | undefined {
    void this.version;
    return this.#chunks.get(Math.floor(index / CHUNK_ROWS))?.[index % CHUNK_ROWS];
  }

  /** Ask for the chunks covering [from, end) that are missing or short, `displayed` rows existing. */
  ensure(from: number, end: number, displayed: number): void {
    const last = Math.min(end, displayed) - 1;
    if (last < from) return;
    for (let c = Math.floor(from / CHUNK_ROWS); c <= Math.floor(last / CHUNK_ROWS); c++) this.#ensureChunk(c, displayed);
  }

  /** The row at a displayed index, fetching its chunk when needed (keyboard moves off screen). */
  async row(index: number, displayed: number): Promise<Row | null> {
    if (index < 0 || index >= displayed) return null;
    const cached = this.get(index);
    if (cached) return cached;
    const reply = await this.fetch(index, 1);
    if (!reply || isIpcError(reply)) return null;
    return reply[0] ?? null;
  }

  #ensureChunk(c: number, displayed: number): void {
    const start = c * CHUNK_ROWS;
    const want = Math.min(CHUNK_ROWS, displayed - start);
    if (want <= 0) return;
    const have = this.#chunks.get(c)?.length ?? 0;
    if (have >= want || this.#pending.has(c) || this.#failed.has(c)) return;
    this.#pending.add(c);
    const epoch = this.#epoch;
    void this.fetch(start, CHUNK_ROWS).then((reply) => {
      this.#pending.delete(c);
      if (epoch !== this.#epoch) {
        this.#bump(); // re-ask for the current generation
        return;
      }
      if (!reply || isIpcError(reply)) {
        this.#failed.add(c);
        if (reply) this.onError(reply.error.message);
        return;
      }
      this.#chunks.delete(c); // re-insert: Map order is our recency order
      this.#chunks.set(c, reply);
      this.#evict();
      this.#bump();
    });
  }

  /** Written without reading `version`, so an effect may call reset/ensure without depending on it. */
  #bump(): void {
    this.version = ++this.#version;
  }

  #evict(): void {
    for (const c of this.#chunks.keys()) {
      if (this.#chunks.size <= MAX_CHUNKS) break;
      this.#chunks.delete(c);
    }
  }
}
