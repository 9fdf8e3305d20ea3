/**
 * Pairing DNS queries with responses (Wireshark's request/response tracking):
 * per conversation and transaction ID, the first pass records which frame
 * asked and which answered; every frame keeps what it showed in its memo so a
 * revisit shows the same links. A query repeated within 5 seconds before any
 * answer, or a second answer, is a retransmission.
 */
import { fields } from '../field.js';
import { addExpert, GROUPS, Severity } from '../expert.js';
import type { PacketContext } from '../packet.js';
import type { Tree } from '../tree.js';
import type { Tvb } from '../tvb.js';
import { bigNs, nsSince, nsSub, type Ns } from '../ns.js';
import { TransactionTable } from './transaction-table.js';

export const hfDnsTrans = fields({
  responseTo: { abbrev: 'dns.response_to', name: 'Request In', type: 'framenum' },
  time: { abbrev: 'dns.time', name: 'Time', type: 'relative_time', unit: ' seconds' },
  retransmission: { abbrev: 'dns.retransmission', name: 'Retransmission', type: 'boolean', tfs: ['True', 'False'] },
  retransmitRequestIn: { abbrev: 'dns.retransmit_request_in', name: 'Retransmitted request. Original request in', type: 'framenum' },
  retransmitResponseIn: { abbrev: 'dns.retransmit_response_in', name: 'Retransmitted response. Original response in', type: 'framenum' },
  retransmitRequest: { abbrev: 'dns.retransmit_request', name: 'DNS query retransmission', type: 'none' },
  retransmitResponse: { abbrev: 'dns.retransmit_response', name: 'DNS response retransmission', type: 'none' },
  unsolicited: { abbrev: 'dns.unsolicited', name: 'Unsolicited', type: 'boolean', tfs: ['True', 'False'] },
});

const RETRANSMISSION_WINDOW_NS = 5_000_000_000;

interface Transactions {
  /**
   * The latest transaction per conversation (IP protocol, endpoint pair) and ID: an earlier
   * one is never looked at again. Times are nanoseconds since epochSec.
   */
  readonly table: TransactionTable;
  epochSec: number | undefined;
}

/** What one message shows about its transaction. */
export interface TransactionView {
  responseTo?: number;
  timeNs?: Ns;
  retransmission?: boolean;
  retransmitRequestIn?: number;
  retransmitResponseIn?: number;
  /** A response with no query before it. */
  unsolicited?: boolean;
}

function newTransactions(): Transactions {
  return { table: new TransactionTable(), epochSec: undefined };
}

/** Record this message on the first pass (or read back what was recorded) and return what to show. */
export function trackTransaction(ctx: PacketContext, memoKey: string, id: number, isResponse: boolean): TransactionView {
  if (ctx.visited) return storedView(ctx, memoKey);
  const state = ctx.session.get('dns.transactions', newTransactions);
  const table = state.table;
  const pair = table.pairId(ctx.netSrc, ctx.netSrcKey, ctx.srcPort, ctx.netDst, ctx.netDstKey, ctx.dstPort);
  const extra = ctx.ipProto * 65536 + id;
  const latest = table.find(pair, extra);
  state.epochSec ??= ctx.frame.tsSec;
  const now = nsSince(state.epochSec, ctx.frame.tsSec, ctx.frame.tsNsec);
  const view: TransactionView = {};
  if (!isResponse) {
    if (latest >= 0 && table.responseFrame(latest) === 0 && nsSub(now, table.requestTime(latest)) < RETRANSMISSION_WINDOW_NS) {
      view.retransmission = true;
      view.retransmitRequestIn = table.requestFrame(latest);
    } else {
      table.put(pair, extra, ctx.num, now);
    }
  } else if (latest < 0) {
    view.unsolicited = true;
  } else {
    if (table.responseFrame(latest) === 0) {
      table.setResponseFrame(latest, ctx.num);
      view.responseTo = table.requestFrame(latest);
      view.timeNs = nsSub(now, table.requestTime(latest));
    } else {
      view.retransmission = true;
      view.retransmitResponseIn = table.responseFrame(latest);
    }
  }
  storeView(ctx, memoKey, view);
  return view;
}

/**
 * Kept compactly: nothing for a message that shows nothing (a revisit gives `{}` then), the
 * request's frame alone for a plain answer (the time is the two frames' difference).
 */
function storeView(ctx: PacketContext, memoKey: string, view: TransactionView): void {
  let keys = 0;
  for (const _ in view) keys++;
  if (keys === 0) ctx.setLocalMemo(memoKey, view);
  else if (keys === 2 && view.responseTo !== undefined && view.timeNs !== undefined && ctx.times) ctx.setMemo(memoKey, view.responseTo);
  else ctx.setMemo(memoKey, view);
}

function storedView(ctx: PacketContext, memoKey: string): TransactionView {
  const stored = ctx.getMemo<TransactionView | number>(memoKey);
  if (typeof stored === 'number') return { responseTo: stored, timeNs: ctx.times!.between(ctx.num, stored) };
  return stored ?? {};
}

export function addTransactionItems(tree: Tree, tvb: Tvb, offset: number, view: TransactionView): void {
  if (!tree.enabled) return;
  if (view.retransmitRequestIn !== undefined) tree.addGenerated(hfDnsTrans.retransmitRequestIn, tvb, offset, 0, view.retransmitRequestIn);
  if (view.retransmitResponseIn !== undefined) tree.addGenerated(hfDnsTrans.retransmitResponseIn, tvb, offset, 0, view.retransmitResponseIn);
  if (view.retransmission) tree.addGenerated(hfDnsTrans.retransmission, tvb, offset, 0, true);
  if (view.responseTo !== undefined) tree.addGenerated(hfDnsTrans.responseTo, tvb, offset, 0, view.responseTo);
  if (view.timeNs !== undefined) tree.addGenerated(hfDnsTrans.time, tvb, offset, 0, bigNs(view.timeNs));
  if (view.unsolicited) tree.addGenerated(hfDnsTrans.unsolicited, tvb, offset, 0, true);
}

/** Wireshark's warning under the Transaction ID of a repeated query or answer. */
export function addRetransmissionExpert(idItem: Tree, tvb: Tvb, offset: number, view: TransactionView): void {
  if (!idItem.enabled || !view.retransmission) return;
  const isQuery = view.retransmitRequestIn !== undefined;
  const message = isQuery
    ? `DNS query retransmission. Original request in frame ${view.retransmitRequestIn}`
    : `DNS response retransmission. Original response in frame ${view.retransmitResponseIn}`;
  addExpert(idItem, tvb, offset, 2, Severity.Warning, GROUPS.Protocol, message, isQuery ? hfDnsTrans.retransmitRequest : hfDnsTrans.retransmitResponse);
}
