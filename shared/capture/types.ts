/**
 * What the capture-file readers produce, whatever the format (pcap, pcapng,
 * gzip of either). Readers are pure: they parse bytes they are given, so the
 * same code runs in the worker, the CLI and the renderer.
 */

export type CaptureFormat = 'pcap' | 'pcap-ns' | 'pcapng';

export interface InterfaceInfo {
  /** LINKTYPE_* number. */
  readonly linkType: number;
  readonly snapLen: number;
  readonly name?: string;
  readonly description?: string;
  /** if_filter as text, when the file records it. */
  readonly filter?: string;
  /** if_os etc. are not kept; tsresol is applied by the reader (timestamps come out in ns). */
  readonly tsResolution?: string;
  /** Section (0-based) the interface belongs to; interface ids are per section in pcapng. */
  readonly section: number;
  /** pcapng only: the interface id within its section (what tshark shows as frame.interface_id). */
  readonly idInSection?: number;
}

export interface CaptureRecord {
  /** 0-based position among the file's packets. */
  readonly index: number;
  /** Byte offset of the record (pcap) or block (pcapng) in the uncompressed file. */
  readonly fileOffset: number;
  /** Global interface index into the reader's interface list (across sections). */
  readonly interface: number;
  readonly tsSec: number;
  readonly tsNsec: number;
  readonly capLen: number;
  readonly origLen: number;
  /** The captured bytes (may be a view into the reader's buffer: copy it to keep it). */
  readonly data: Uint8Array;
  readonly comments?: readonly string[];
  /** pcapng epb_flags when present. */
  readonly epbFlags?: number;
  /** True when the file stores no time for the record (pcapng Simple Packet Block); tsSec/tsNsec are then 0. */
  readonly noTimestamp?: boolean;
}

/** Something the reader could not use but which did not stop it (a truncated last record...). */
export interface CaptureWarning {
  readonly offset: number;
  readonly message: string;
  /**
   * truncated: the data ends inside a header, record or block (everything before it was read);
   * corrupt: a length or field made no sense, reading stopped there;
   * unsupported: a file header this reader cannot read (a version or variant).
   */
  readonly kind?: 'truncated' | 'corrupt' | 'unsupported';
}
