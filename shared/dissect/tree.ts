/**
 * The detail tree. Dissectors add items through the Tree interface; the same
 * dissector code runs with a real tree (a packet is shown, printed with -V,
 * filtered) or with NULL_TREE (indexing millions of packets for the summary
 * line), where every call is a no-op and allocates nothing.
 */
import { hfWs } from './expert.js';
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
  /** False for NULL_TREE: skip work that only feeds the tree. */
  readonly enabled: boolean;
  /**
   * False when nothing will read the items' labels (NULL_TREE, and a display
   * filter's pruned tree, whose reader compares values): skip building label
   * text, as Wireshark skips proto_item text when the tree is not visible. A
   * label given anyway is kept; it only costs the time to build it.
   */
  readonly labels: boolean;
  /**
   * Whether a reader of the tree needs items of this field: false on a display
   * filter's pruned tree that does not name it (and on NULL_TREE), so the
   * dissector can skip working out a costly value.
   */
  wants(def: FieldDef): boolean;
  /**
   * Whether a reader needs items of any of these fields: when not, a block that
   * adds only such items (at any depth, calling no other dissector) is skipped.
   * Any block may add expert info and text items besides (`hfWs`): a reader that
   * needs one of those wants every block.
   */
  wantsAny(fields: FieldTable): boolean;
  /**
   * A node of this tree's kind placed in no tree, for items built before the
   * dissector knows where they go (adopted later; see tcp-stream.ts); null for NULL_TREE.
   */
  detached(def: FieldDef, source: number): TreeNode | null;
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

/** A protocol's field declarations (`hfTcp`), as `fields()` makes them. */
export type FieldTable = Readonly<Record<string, FieldDef>>;

export class TreeNode implements Tree {
  readonly enabled = true;
  children: TreeNode[] | null = null;
  flags = ItemFlags.None;
  text: string | undefined;
  value: FieldValue;

  constructor(
    readonly def: FieldDef,
    /** Index of the data source (0 = frame) the offset refers to. */
    readonly source: number,
    public offset: number,
    public length: number,
    value: FieldValue,
    text?: string,
  ) {
    // Wireshark holds a string value as a C string: a NUL ends it (label, filters, -T fields and json).
    const nul = typeof value === 'string' ? value.indexOf('\0') : -1;
    this.value = nul < 0 ? value : (value as string).slice(0, nul);
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

  // A full tree: every label, every field.
  get labels(): boolean {
    return true;
  }
  wants(_def: FieldDef): boolean {
    return true;
  }
  wantsAny(_fields: FieldTable): boolean {
    return true;
  }
  detached(def: FieldDef, source: number): TreeNode {
    return new TreeNode(def, source, 0, 0, null);
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
  readonly labels = false;
  wants(): boolean { return false; }
  wantsAny(): boolean { return false; }
  detached(): null { return null; }
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
  /**
   * On a revisit, the layers (frame.protocols entries) after which no dissector is called: the
   * reader needs nothing the later layers add (see FieldSet.upTo). Undefined: every layer.
   */
  readonly layerLimit?: number;
}

/**
 * The items a reader of the tree needs, Wireshark's "interesting fields" (a
 * display filter primes the tree with the fields it names): a tree built with a
 * FieldSet keeps only these, so a packet filtered on `tcp.port == 80` does not
 * allocate items for every field of every layer. Protocol items are kept besides
 * the named fields (few; TCP reassembly re-attaches a message's items under
 * them). Items below a dropped item go under its nearest kept ancestor, so each
 * kept item keeps its value, offset, length and data source; only their nesting
 * and order may differ from the full tree (a filter that numbers layers gets the
 * full tree: see treeShapeFor).
 *
 * The tree stays `enabled` (dissectors gate fields on it) but has no `labels`,
 * and `wants` only the named fields: dissectors skip label text, costly values
 * and whole blocks of items no named field is among.
 */
export class FieldSet implements TreeShape {
  private readonly names: ReadonlySet<string>;
  /** wantsAny's answer by table (a capture meets few tables, each many times). */
  private readonly tables = new Map<FieldTable, boolean>();
  /** Named expert info or text items, which any block may add: every block is wanted. */
  private readonly everyBlock: boolean;

  /** upTo()'s shapes by their limit. */
  private readonly limited = new Map<number, FieldSet>();

  constructor(
    names: Iterable<string>,
    readonly layerLimit?: number,
  ) {
    this.names = new Set(names);
    this.everyBlock = Object.values(hfWs).some((def) => this.names.has(def.abbrev));
  }

  /**
   * The same fields, for a revisit that calls no dissector once `layers` layers are listed in
   * frame.protocols: for a packet whose named fields all lie in its first layers (see
   * shared/filter/layer-cut.ts), the later ones are not dissected.
   */
  upTo(layers: number): FieldSet {
    let shape = this.limited.get(layers);
    if (!shape) this.limited.set(layers, (shape = new FieldSet(this.names, layers)));
    return shape;
  }

  keeps(def: FieldDef): boolean {
    return def.type === 'protocol' || this.names.has(def.abbrev);
  }

  wants(def: FieldDef): boolean {
    return this.names.has(def.abbrev);
  }

  wantsAny(fields: FieldTable): boolean {
    let wanted = this.tables.get(fields);
    if (wanted === undefined) {
      wanted = this.everyBlock;
      for (const key in fields) if (this.names.has(fields[key]!.abbrev)) wanted = true;
      this.tables.set(fields, wanted);
    }
    return wanted;
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

  override get labels(): boolean {
    return false;
  }
  override wants(def: FieldDef): boolean {
    return this.fieldSet.wants(def);
  }
  override wantsAny(fields: FieldTable): boolean {
    return this.fieldSet.wantsAny(fields);
  }
  override detached(def: FieldDef, source: number): TreeNode {
    return new PrunedNode(this.fieldSet, def, source, 0, 0, null);
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
  constructor(private readonly keeper: PrunedNode | PrunedRoot) {
    super(DROPPED_DEF, 0, 0, 0, null);
  }

  override get labels(): boolean {
    return false;
  }
  override wants(def: FieldDef): boolean {
    return this.keeper.wants(def);
  }
  override wantsAny(fields: FieldTable): boolean {
    return this.keeper.wantsAny(fields);
  }
  override detached(def: FieldDef, source: number): TreeNode {
    return this.keeper.detached(def, source);
  }

  override add(def: FieldDef, tvb: Tvb, offset: number, length: number, value: FieldValue, text?: string): TreeNode {
    return this.keeper.add(def, tvb, offset, length, value, text);
  }
  override setText(): void {}
  override appendText(): void {}
  override setLength(): void {}
}

const DROPPED_DEF: FieldDef = { abbrev: '', name: '', type: 'none' };

/**
 * The top of a packet's tree: no item of its own, its items are the packet's
 * layers, collected into `roots`.
 */
abstract class TreeTop implements Tree {
  readonly enabled = true;
  abstract readonly labels: boolean;

  constructor(protected readonly roots: TreeNode[]) {}

  abstract add(def: FieldDef, tvb: Tvb, offset: number, length: number, value: FieldValue, text?: string): TreeNode;
  abstract wants(def: FieldDef): boolean;
  abstract wantsAny(fields: FieldTable): boolean;
  abstract detached(def: FieldDef, source: number): TreeNode;

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

/** The top of a full tree (Dissection.dissect given `true`). */
export class RootCollector extends TreeTop {
  readonly labels = true;

  add(def: FieldDef, tvb: Tvb, offset: number, length: number, value: FieldValue, text?: string): TreeNode {
    const node = new TreeNode(def, tvb.source, offset, length, value, text);
    this.roots.push(node);
    return node;
  }
  wants(): boolean {
    return true;
  }
  wantsAny(): boolean {
    return true;
  }
  detached(def: FieldDef, source: number): TreeNode {
    return new TreeNode(def, source, 0, 0, null);
  }
}

/** The top of a pruned tree: kept top-level items go into the packet's roots. */
class PrunedRoot extends TreeTop {
  readonly labels = false;
  private dropped: DroppedItem | undefined;

  constructor(roots: TreeNode[], private readonly fieldSet: FieldSet) {
    super(roots);
  }

  add(def: FieldDef, tvb: Tvb, offset: number, length: number, value: FieldValue, text?: string): TreeNode {
    if (!this.fieldSet.keeps(def)) return (this.dropped ??= new DroppedItem(this));
    const node = new PrunedNode(this.fieldSet, def, tvb.source, offset, length, value, text);
    this.roots.push(node);
    return node;
  }
  wants(def: FieldDef): boolean {
    return this.fieldSet.wants(def);
  }
  wantsAny(fields: FieldTable): boolean {
    return this.fieldSet.wantsAny(fields);
  }
  detached(def: FieldDef, source: number): TreeNode {
    return new PrunedNode(this.fieldSet, def, source, 0, 0, null);
  }
}
