/**
 * Items a dissector notes on the packet's context (PacketContext.note) as it
 * dissects, with or without a tree: the item is in the frame's full tree
 * exactly when its bit is set. Display filters on these fields are then
 * answered without a tree (shared/filter/summary-facts.ts), in the worker from
 * the bits its packet store keeps and in `paquet read -Y` from the context.
 * Only cheap, often filtered presence fields belong here: the store keeps
 * these bits in three bits of a byte (see Known.Noted).
 */
export const Noted = {
  /** A request message dissected in this frame: an `http.request` item. */
  HttpRequest: 1,
  /** A response message: an `http.response` item. */
  HttpResponse: 2,
  /** A bit above was noted more than once (pipelined messages): the count of its items is not one. */
  Repeated: 4,
} as const;

/** The fields whose items the Noted bits stand for. */
export const NOTED_FIELDS: Readonly<Record<string, number>> = {
  'http.request': Noted.HttpRequest,
  'http.response': Noted.HttpResponse,
};
