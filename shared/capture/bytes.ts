/** Small helpers for reading fixed-width fields in either byte order. */

export function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function hexPrefix(bytes: Uint8Array, count = 4): string {
  return Array.from(bytes.subarray(0, count), (b) => b.toString(16).padStart(2, '0')).join(' ');
}

export function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

const utf8 = new TextDecoder('utf-8');

/** Option strings are UTF-8 and may carry NUL padding some writers leave in. */
export function decodeText(bytes: Uint8Array): string {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end--;
  return utf8.decode(bytes.subarray(0, end));
}

/** Largest packet Wireshark accepts for a link type (wtap_max_snaplen_for_encap). */
export function maxPacketSize(linkType: number): number {
  switch (linkType) {
    case 231: // D-Bus
    case 249: // USBPcap
      return 128 * 1024 * 1024;
    case 279: // EBHSCR
      return 8 * 1024 * 1024 + 32;
    default:
      return 262144;
  }
}
