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

  get info(): string {
    return this.infoText;
  }

  /** col_add_str / col_set_str: replace what follows the fence. */
  setInfo(text: string): void {
    this.infoText = this.infoText.slice(0, this.fence) + text;
  }

  /** col_append_str. */
  appendInfo(text: string): void {
    this.infoText += text;
  }

  /** col_append_sep_str: the separator only when the column already holds text (fence or not, as Wireshark). */
  appendInfoSep(separator: string, text: string): void {
    if (this.infoText.length > 0) this.infoText += separator;
    this.infoText += text;
  }

  /** col_prepend_fstr. */
  prependInfo(text: string): void {
    this.infoText = text + this.infoText;
    if (this.fence > 0) this.fence += text.length;
  }

  /** col_clear: empties what follows the fence. */
  clearInfo(): void {
    this.infoText = this.infoText.slice(0, this.fence);
  }

  /** col_set_fence: later setInfo/clearInfo keep what is there now. */
  setFence(): void {
    this.fence = this.infoText.length;
  }

  /** col_clear_fence. */
  clearFence(): void {
    this.fence = 0;
  }
}
