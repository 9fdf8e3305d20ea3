/**
 * Items a dissector notes on the packet's context (PacketContext.note) as it
 * dissects, with or without a tree: the item is in the frame's full tree
 * exactly when its bit is set, and a boolean item noted with a value bit holds
 * that bit. Display filters on these fields are then answered without a tree
 * (shared/filter/summary-facts.ts), in the worker from the bits its packet
 * store keeps and in `paquet read -Y` from the context. Only cheap, often
 * filtered fields belong here: the store keeps these bits next to its other
 * flags (see Known.Noted: room for eleven, all taken).
 */
export const Noted = {
  /** A request message dissected in this frame: an `http.request` item. */
  HttpRequest: 1,
  /** A response message: an `http.response` item. */
  HttpResponse: 2,
  /** A bit was noted more than once (pipelined messages, two TCP layers): the count of its items is not one. */
  Repeated: 4,
  /** An `http` protocol item (a message or a continuation; not a WebSocket frame HTTP hands on). */
  Http: 8,
  /** TCP analysis found a flag: a `tcp.analysis.flags` item. */
  TcpAnalysisFlags: 16,
  /** A `tcp.analysis.retransmission` item. */
  TcpRetransmission: 32,
  /** A TCP header whose flags have items (`tcp.flags.syn`...), holding the value bits below. */
  TcpHeader: 64,
  TcpSyn: 128,
  TcpAck: 256,
  TcpFin: 512,
  TcpReset: 1024,
} as const;

/**
 * The request methods a frame's one `http.request.method` item is noted as
 * (PacketContext.noteHttpMethod), by code: its place here plus one, 0 for
 * none. Another method, or several items, is noted negative and left to the
 * tree; the worker keeps the code of the few packets that hold a request.
 */
export const HTTP_METHODS: readonly string[] = ['GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'CONNECT', 'TRACE'];

/** The code of a method in HTTP_METHODS; 0 when it is not there. */
export function httpMethodCode(method: string): number {
  return HTTP_METHODS.indexOf(method) + 1;
}

/** A field whose items a Noted bit stands for. */
export interface NotedField {
  /** The bit noted when the tree has the item. */
  readonly bit: number;
  /**
   * For a boolean item that is not always true: the bit noted with it when it is. Only the
   * transport layer notes these (once per header: see Known.Ports in summary-facts.ts).
   */
  readonly value?: number;
  /** Bytes the item covers (what len() of it gives). */
  readonly length: number;
}

const tcpFlag = (value: number): NotedField => ({ bit: Noted.TcpHeader, value, length: 2 });

/** The fields whose items the Noted bits stand for. */
export const NOTED_FIELDS: Readonly<Record<string, NotedField>> = {
  'http.request': { bit: Noted.HttpRequest, length: 0 },
  'http.response': { bit: Noted.HttpResponse, length: 0 },
  // Its value and length are its bytes: only presence is answered (summary-facts.ts).
  http: { bit: Noted.Http, length: 0 },
  'tcp.analysis.flags': { bit: Noted.TcpAnalysisFlags, length: 0 },
  'tcp.analysis.retransmission': { bit: Noted.TcpRetransmission, length: 0 },
  'tcp.flags.syn': tcpFlag(Noted.TcpSyn),
  'tcp.flags.ack': tcpFlag(Noted.TcpAck),
  'tcp.flags.fin': tcpFlag(Noted.TcpFin),
  'tcp.flags.reset': tcpFlag(Noted.TcpReset),
};
