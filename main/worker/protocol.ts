/**
 * The messages between DecoderClient (main thread) and the decoding worker:
 * a call names a DecoderApi method with its arguments and an id; the worker
 * answers each id once, with the value or an error (code + plain message), and
 * posts counts on its own. Values cross by structured clone (Uint8Array
 * included), so the shapes are the DecoderApi's own.
 */
import type { DecoderApi, DecoderCounts, DecoderErrorCode } from './decoder-api.js';

/** The DecoderApi methods that become messages (onCounts and terminate stay in the client). */
export type DecoderMethod = Exclude<keyof DecoderApi, 'onCounts' | 'terminate'>;

export const DECODER_METHODS: readonly DecoderMethod[] = [
  'open', 'stopFollowing', 'close', 'counts', 'rows', 'indexOf', 'sort', 'find', 'checkFilter', 'applyFilter',
  'detail', 'setComment', 'tcpdump', 'followTcp', 'wsConversations', 'wsMessages', 'wsExport', 'save',
];

export type MethodArgs<M extends DecoderMethod> = Parameters<DecoderApi[M]>;
export type MethodResult<M extends DecoderMethod> = Awaited<ReturnType<DecoderApi[M]>>;

/** Main thread → worker. */
export interface CallMessage {
  readonly type: 'call';
  readonly id: number;
  readonly method: DecoderMethod;
  readonly args: readonly unknown[];
}

/** Worker → main thread. */
export type WorkerMessage =
  | { readonly type: 'reply'; readonly id: number; readonly value: unknown }
  | { readonly type: 'error'; readonly id: number; readonly error: { readonly code: DecoderErrorCode; readonly message: string } }
  | { readonly type: 'counts'; readonly counts: DecoderCounts };

export function isCallMessage(v: unknown): v is CallMessage {
  if (typeof v !== 'object' || v === null) return false;
  const m = v as Partial<CallMessage>;
  return m.type === 'call' && typeof m.id === 'number' && Array.isArray(m.args) &&
    typeof m.method === 'string' && (DECODER_METHODS as readonly string[]).includes(m.method);
}

export function isWorkerMessage(v: unknown): v is WorkerMessage {
  if (typeof v !== 'object' || v === null) return false;
  const t = (v as { type?: unknown }).type;
  return t === 'reply' || t === 'error' || t === 'counts';
}
