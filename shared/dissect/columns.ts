/**
 * The summary columns a packet gets while it is dissected, with Wireshark's
 * rules for the Info column: a lower layer writes, a higher layer replaces
 * or appends, and a fence protects what is before it from being replaced.
 */
export class Columns {
  /** Source/destination as the Source and Destination columns show them (network address, else link address). */
  src = '';
  dst = '';
  /** Protocol column, e.g. `TCP`, `WebSocket`. */
  protocol = '';
  private infoText = '';
  private fence = 0;
  /**
   * Text appended after infoText whose making waits until it is read (appendInfoLater): a higher
   * layer often replaces it before anyone does, and then it is never made.
   */
  private later: (() => string) | undefined;

  get info(): string {
    this.settle();
    return this.infoText;
  }

  /** col_add_str / col_set_str: replace what follows the fence. */
  setInfo(text: string): void {
    // The fence is never past infoText, so text still to be made is replaced with the rest.
    this.later = undefined;
    this.infoText = this.infoText.slice(0, this.fence) + text;
  }

  /** col_append_str. */
  appendInfo(text: string): void {
    this.settle();
    this.infoText += text;
  }

  /** col_append_str of a text made only if it is still there when the column is read. */
  appendInfoLater(make: () => string): void {
    this.settle();
    this.later = make;
  }

  /** col_append_sep_str: the separator only when the column already holds text (fence or not, as Wireshark). */
  appendInfoSep(separator: string, text: string): void {
    this.settle();
    if (this.infoText.length > 0) this.infoText += separator;
    this.infoText += text;
  }

  /** col_prepend_fstr. */
  prependInfo(text: string): void {
    this.settle();
    this.infoText = text + this.infoText;
    if (this.fence > 0) this.fence += text.length;
  }

  /** col_clear: empties what follows the fence. */
  clearInfo(): void {
    this.later = undefined;
    this.infoText = this.infoText.slice(0, this.fence);
  }

  /** col_set_fence: later setInfo/clearInfo keep what is there now. */
  setFence(): void {
    this.settle();
    this.fence = this.infoText.length;
  }

  /** col_clear_fence. */
  clearFence(): void {
    this.fence = 0;
  }

  private settle(): void {
    const make = this.later;
    if (make === undefined) return;
    this.later = undefined;
    this.infoText += make();
  }
}
