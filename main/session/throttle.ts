/**
 * Coalesces bursts of "something changed" into at most one call per interval:
 * the first change fires on the next turn of the event loop (so a sequence of
 * synchronous changes is sent once, in its final state), later ones wait for
 * the interval to pass since the last call.
 */
export class Throttle {
  private last = -Infinity;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly intervalMs: number,
    private readonly fire: () => void,
  ) {}

  request(): void {
    if (this.timer || this.stopped) return;
    const wait = Math.max(0, this.last + this.intervalMs - Date.now());
    this.timer = setTimeout(() => this.run(), wait);
  }

  /** Fire now (a pending call is folded into this one). */
  flush(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.run();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private run(): void {
    this.timer = undefined;
    this.last = Date.now();
    this.fire();
  }
}
