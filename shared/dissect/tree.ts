/**
 * The detail tree. Dissectors add items through the Tree interface; the same
 * dissector code runs with a real tree (a packet is shown, printed with -V,
 * filtered) or with NULL_TREE (indexing millions of packets for the summary
 * line), where every call is a no-op and allocates nothing.
 */
import type { FieldDef, FieldValue } from './field.js';
import type { Tvb } from './tvb.js';

export const enum ItemFlags {
  None = 0,
  /** Computed by the dissector, not read from the bytes (shown in [brackets]). */
  Generated = 1,
  /** Present for filters and -T fields, not drawn in the tree. */
  Hidden = 2,
}

export interface Tree {
  /** False for NULL_TREE: skip work that only feeds the tree (building label text). */
  readonly enabled: boolean;
  /** Add a field item; returns it so children can be added under it. */
  add(def: FieldDef, tvb: Tvb, offset: number, length: number, value: FieldValue, text?: string): Tree;
  /** Add an item of a generated field (no bytes of its own; offset/length may point at related bytes). */
  addGenerated(def: FieldDef, tvb: Tvb, offset: number, length: number, value: FieldValue, text?: string): Tree;
  /** Add a hidden item: visible to filters and -T fields, not in the printed tree. */
  addHidden(def: FieldDef, tvb: Tvb, offset: number, length: number, value: FieldValue): Tree;
  /** Replace this item's label (the whole line as shown in the tree). */
  setText(text: string): void;
  /** Append to this item's label, as proto_item_append_text does. */
  appendText(text: string): void;
  /** Fix this item's length once it is known (proto_item_set_len). */
  setLength(length: number): void;
}

export class TreeNode implements Tree {
  readonly enabled = true;
  children: TreeNode[] | null = null;
  flags = ItemFlags.None;
  text: string | undefined;

  constructor(
    readonly def: FieldDef,
    /** Index of the data source (0 = frame) the offset refers to. */
    readonly source: number,
    public offset: number,
    public length: number,
    public value: FieldValue,
    text?: string,
  ) {
    this.text = text;
  }

  add(def: FieldDef, tvb: Tvb, offset: number, length: number, value: FieldValue, text?: string): TreeNode {
    const node = new TreeNode(def, tvb.source, offset, length, value, text);
    (this.children ??= []).push(node);
    return node;
  }

  addGenerated(def: FieldDef, tvb: Tvb, offset: number, length: number, value: FieldValue, text?: string): TreeNode {
    const node = this.add(def, tvb, offset, length, value, text);
    node.flags |= ItemFlags.Generated;
    return node;
  }

  addHidden(def: FieldDef, tvb: Tvb, offset: number, length: number, value: FieldValue): TreeNode {
    const node = this.add(def, tvb, offset, length, value);
    node.flags |= ItemFlags.Hidden;
    return node;
  }

  setText(text: string): void {
    this.text = text;
  }

  appendText(text: string): void {
    // Appending to an item without custom text extends its default label, which the formatter owns;
    // keep the suffix separately so the default stays derivable.
    this.suffix = (this.suffix ?? '') + text;
  }
  suffix: string | undefined;

  setLength(length: number): void {
    this.length = length;
  }

  get generated(): boolean {
    return (this.flags & ItemFlags.Generated) !== 0;
  }
  get hidden(): boolean {
    return (this.flags & ItemFlags.Hidden) !== 0;
  }
}

class NullTree implements Tree {
  readonly enabled = false;
  add(): Tree { return this; }
  addGenerated(): Tree { return this; }
  addHidden(): Tree { return this; }
  setText(): void {}
  appendText(): void {}
  setLength(): void {}
}

/** The tree that records nothing: the fast path for indexing. */
export const NULL_TREE: Tree = new NullTree();

/** Depth-first walk over every item, hidden ones included. */
export function* walk(nodes: readonly TreeNode[]): Generator<TreeNode> {
  for (const n of nodes) {
    yield n;
    if (n.children) yield* walk(n.children);
  }
}

/**
 * What Dissection.dissect may be given instead of `true` to build a packet's
 * tree: something that makes the top of the tree, collecting the top-level
 * items into `roots` (TreeNodes, as with a full tree).
 */
export interface TreeShape {
  root(roots: TreeNode[]): Tree;
}

/**
 * The items a reader of the tree needs, Wireshark's "interesting fields" (a
 * display filter primes the tree with the fields it names): a tree built with a
 * FieldSet keeps only these, so a packet filtered on `tcp.port == 80` does not
 * allocate items for every field of every layer. Always kept besides the named
 * fields: protocol items (few; they answer `tcp`, number layers, and TCP
 * reassembly re-attaches a message's items under them) and Wireshark's own
 * `_ws.*` items (malformed, expert info; rare). Items below a dropped item go
 * under its nearest kept ancestor, so each kept item keeps its value, offset,
 * length and data source; only their nesting and order may differ from the full tree.
 *
 * The tree stays `enabled`: dissectors gate fields as well as labels on it.
 */
export class FieldSet implements TreeShape {
  private readonly names: ReadonlySet<string>;

  constructor(names: Iterable<string>) {
    this.names = new Set(names);
  }

  keeps(def: FieldDef): boolean {
    const abbrev = def.abbrev;
    return def.type === 'protocol' || this.names.has(abbrev) || (abbrev.charCodeAt(0) === 95 && abbrev.startsWith('_ws.'));
  }

  root(roots: TreeNode[]): Tree {
    return new PrunedRoot(roots, this);
  }
}

/** A kept item of a pruned tree: a TreeNode whose children are pruned in turn. */
export class PrunedNode extends TreeNode {
  private dropped: DroppedItem | undefined;

  constructor(
    private readonly fieldSet: FieldSet,
    def: FieldDef, source: number, offset: number, length: number, value: FieldValue, text?: string,
  ) {
    super(def, source, offset, length, value, text);
  }

  override add(def: FieldDef, tvb: Tvb, offset: number, length: number, value: FieldValue, text?: string): TreeNode {
    if (!this.fieldSet.keeps(def)) return (this.dropped ??= new DroppedItem(this));
    const node = new PrunedNode(this.fieldSet, def, tvb.source, offset, length, value, text);
    (this.children ??= []).push(node);
    return node;
  }
  // addGenerated and addHidden come from TreeNode: they call add(), then flag the kept item
  // (or the shared stand-in of dropped ones, whose flags nobody reads).
}

/**
 * What add() returns for an item the tree does not keep: one stand-in per kept
 * item, shared by all its dropped descendants, that passes their children up to
 * it and ignores what would change the dropped item itself. A TreeNode only so
 * that it can be returned where TreeNode.add's callers expect one; it is never
 * placed in a tree.
 */
class DroppedItem extends TreeNode {
  constructor(private readonly keeper: { add(...args: Parameters<Tree['add']>): TreeNode }) {
    super(DROPPED_DEF, 0, 0, 0, null);
  }

  override add(def: FieldDef, tvb: Tvb, offset: number, length: number, value: FieldValue, text?: string): TreeNode {
    return this.keeper.add(def, tvb, offset, length, value, text);
  }
  override setText(): void {}
  override appendText(): void {}
  override setLength(): void {}
}

const DROPPED_DEF: FieldDef = { abbrev: '', name: '', type: 'none' };

/** The top of a pruned tree: kept top-level items go into the packet's roots. */
class PrunedRoot implements Tree {
  readonly enabled = true;
  private dropped: DroppedItem | undefined;

  constructor(private readonly roots: TreeNode[], private readonly fieldSet: FieldSet) {}

  add(def: FieldDef, tvb: Tvb, offset: number, length: number, value: FieldValue, text?: string): TreeNode {
    if (!this.fieldSet.keeps(def)) return (this.dropped ??= new DroppedItem(this));
    const node = new PrunedNode(this.fieldSet, def, tvb.source, offset, length, value, text);
    this.roots.push(node);
    return node;
  }

  addGenerated(def: FieldDef, tvb: Tvb, offset: number, length: number, value: FieldValue, text?: string): TreeNode {
    const node = this.add(def, tvb, offset, length, value, text);
    node.flags |= ItemFlags.Generated;
    return node;
  }

  addHidden(def: FieldDef, tvb: Tvb, offset: number, length: number, value: FieldValue): TreeNode {
    const node = this.add(def, tvb, offset, length, value);
    node.flags |= ItemFlags.Hidden;
    return node;
  }

  setText(): void {}
  appendText(): void {}
  setLength(): void {}
}
