/**
 * Events for one window's page, held until the page is listening. A file
 * named on the command line starts opening while the page is still loading;
 * what main says meanwhile ('view.restore' above all) would be lost, because
 * Electron drops messages sent before the preload's listeners exist. The gate
 * opens when the page makes its first request (it is connected by then) and
 * closes again when the page reloads.
 */

/** Events whose latest payload replaces earlier ones while held: snapshots, not happenings. */
const LATEST_ONLY: ReadonlySet<string> = new Set(['session.changed']);

export class EventGate {
  #open = false;
  #held: { name: string; payload: unknown }[] = [];
  #dropped = 0;

  /** `limit`: events held at most; the oldest go first (a page that never asks has problems of its own). */
  constructor(
    private readonly deliver: (name: string, payload: unknown) => void,
    private readonly limit = 100,
  ) {}

  get isOpen(): boolean {
    return this.#open;
  }

  /** Events dropped because more than `limit` were held. */
  get dropped(): number {
    return this.#dropped;
  }

  emit(name: string, payload: unknown): void {
    if (this.#open) {
      this.deliver(name, payload);
      return;
    }
    if (LATEST_ONLY.has(name)) this.#held = this.#held.filter((e) => e.name !== name);
    this.#held.push({ name, payload });
    if (this.#held.length > this.limit) {
      this.#held.shift();
      this.#dropped++;
    }
  }

  /** Delivers what was held, in order, then lets events through. */
  open(): void {
    if (this.#open) return;
    this.#open = true;
    const held = this.#held;
    this.#held = [];
    for (const e of held) this.deliver(e.name, e.payload);
  }

  /** Holds events again (the page is reloading). */
  close(): void {
    this.#open = false;
  }
}
