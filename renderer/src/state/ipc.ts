import {
  isIpcError,
  type IpcErrorCode,
  type PaquetApi,
  type RequestArgs,
  type RequestName,
  type RequestReply,
} from '../../../shared/ipc/contract';
import type { Alerts } from './alerts.svelte';

const TITLES: Record<IpcErrorCode, string> = {
  'bad-argument': 'Request refused',
  'no-capture': 'Nothing is open',
  'not-found': 'Not found',
  busy: 'Busy',
  file: 'File problem',
  capture: 'Capture failed',
  permission: 'Permission needed',
  internal: 'Internal error',
};

/**
 * Requests to main, with errors turned into alerts: `call` resolves to the
 * reply, or null after the user has been told what went wrong (an IpcError,
 * or a broken connection). Callers only handle the happy path and "null".
 */
export class Ipc {
  constructor(
    readonly api: PaquetApi,
    private readonly alerts: Alerts,
  ) {}

  async call<K extends RequestName>(name: K, args: RequestArgs<K>): Promise<RequestReply<K> | null> {
    let reply: unknown;
    try {
      reply = await this.api.invoke(name, args);
    } catch (e) {
      this.alerts.push({
        title: 'Connection problem',
        message: `The request "${name}" could not reach Paquet's main process: ${e instanceof Error ? e.message : String(e)}`,
      });
      return null;
    }
    if (isIpcError(reply)) {
      const { code, message, fix, action } = reply.error;
      this.alerts.push({ title: TITLES[code] ?? 'Error', message, ...(fix ? { fix } : {}), ...(action ? { action } : {}) });
      return null;
    }
    return reply as RequestReply<K>;
  }
}
