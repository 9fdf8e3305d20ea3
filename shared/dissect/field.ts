/**
 * Field declarations: every field is declared once, with the display-filter name
 * Wireshark gives it. The same declaration serves the detail tree, display
 * filters and `-T fields` output, so the formatting rules live with the type.
 */

/** Wireshark's field types (FT_*), lower-cased; the width matters for hex output. */
export type FieldType =
  | 'protocol' // a layer: tcp, ip, websocket
  | 'none' // a label with no value (subtree headers, text items)
  | 'boolean'
  | 'uint8' | 'uint16' | 'uint24' | 'uint32' | 'uint64'
  | 'int8' | 'int16' | 'int32' | 'int64'
  | 'char'
  | 'double'
  | 'string'
  | 'bytes'
  | 'ipv4' | 'ipv6' | 'ether'
  | 'absolute_time' | 'relative_time'
  | 'framenum';

/**
 * How an integer is shown: BASE_DEC, BASE_HEX, BASE_DEC_HEX, BASE_HEX_DEC, BASE_OCT;
 * 'none' (BASE_NONE with value names): the tree shows the name alone, -T fields the number.
 */
export type Base = 'dec' | 'hex' | 'dec_hex' | 'hex_dec' | 'oct' | 'none';

export interface FieldDef {
  /** Display-filter name, e.g. `tcp.srcport`. */
  readonly abbrev: string;
  /** Label shown in the tree, e.g. `Source Port`. */
  readonly name: string;
  readonly type: FieldType;
  readonly base?: Base;
  /** For bit fields: the mask within the containing integer (the value stored is already shifted). */
  readonly bitmask?: number;
  /** Bits of the container a bitmask applies to (8, 16, 24, 32), for drawing `.... ..1.` lines. */
  readonly bits?: number;
  /** Names for integer values (value_string); `-T fields` still prints the number. */
  readonly strings?: Readonly<Record<number, string>>;
  /** For booleans: the words for true and false (true_false_string); default Set / Not set. */
  readonly tfs?: readonly [string, string];
  /** A unit appended in the tree, e.g. ` bytes`. */
  readonly unit?: string;
}

/** The value an item holds. Integers above 2^53 use bigint. */
export type FieldValue = number | bigint | boolean | string | Uint8Array | null;

/** Declare a protocol's fields as a record so dissectors refer to them by property. */
export function fields<const T extends Record<string, FieldDef>>(defs: T): T {
  return defs;
}

/** Width in hex digits of an unsigned type, as Wireshark pads `0x%0Nx`. */
export function hexDigits(type: FieldType): number {
  switch (type) {
    case 'uint8': case 'int8': case 'char': return 2;
    case 'uint16': case 'int16': return 4;
    case 'uint24': return 6;
    case 'uint32': case 'int32': case 'framenum': return 8;
    case 'uint64': case 'int64': return 16;
    default: return 0;
  }
}
