/**
 * Per TCP stream, the packets that set tcpdump's relative sequence base
 * (tcpdump-view.ts): the stream's first packet with ACK, then every SYN+ACK.
 * Nearly every stream has exactly one, so the first is kept in a typed array by
 * stream, and only the rare later ones (a SYN+ACK sent again) in a map.
 */
export class StreamBases {
  /** Packet index of each stream's first base setter, -1 when none yet. */
  private first = new Int32Array(256).fill(-1);
  private readonly later = new Map<number, number[]>();

  /** Packet i of `stream` was indexed: with SYN and ACK, or without ACK, or neither. */
  note(stream: number, i: number, synAck: boolean, noAck: boolean): void {
    if (stream >= this.first.length) {
      const grown = new Int32Array(Math.max(stream + 1, this.first.length * 2)).fill(-1);
      grown.set(this.first);
      this.first = grown;
    }
    if (this.first[stream]! < 0) {
      if (synAck || !noAck) this.first[stream] = i;
    } else if (synAck) {
      const more = this.later.get(stream);
      if (more) more.push(i); else this.later.set(stream, [i]);
    }
  }

  /** The stream's base setters, ascending; undefined when it has none. */
  of(stream: number): readonly number[] | undefined {
    const first = stream < this.first.length ? this.first[stream]! : -1;
    if (first < 0) return undefined;
    const more = this.later.get(stream);
    return more ? [first, ...more] : [first];
  }
}
