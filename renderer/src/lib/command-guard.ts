/**
 * Runs a command at most once per key press when the same press can reach us
 * twice: in Electron a menu accelerator (Ctrl+E...) may fire both our keydown
 * handler and, through main, a 'menu.command' event for the same keystroke.
 * The two arrive in separate tasks (the event crosses IPC), so "the same tick"
 * is widened to a short window: a repeat of the same command within `windowMs`
 * is dropped. A person pressing a key twice is far slower than this window.
 */
export class CommandGuard<C extends string> {
  #last: C | null = null;
  #at = 0;

  constructor(
    private readonly windowMs = 120,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** True when `command` may run now (and records it); false for a duplicate of the one just run. */
  admit(command: C): boolean {
    const t = this.now();
    if (this.#last === command && t - this.#at < this.windowMs) return false;
    this.#last = command;
    this.#at = t;
    return true;
  }
}
