/** A failure the session reports to the user: an IPC error code and a plain sentence (and the fix, when there is one). */
import type { IpcErrorAction, IpcErrorCode } from '../../shared/ipc/contract.js';

export class SessionError extends Error {
  constructor(
    readonly code: IpcErrorCode,
    message: string,
    readonly fix?: string,
    readonly action?: IpcErrorAction,
  ) {
    super(message);
    this.name = 'SessionError';
  }
}
