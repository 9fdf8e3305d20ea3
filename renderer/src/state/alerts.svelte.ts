/**
 * Blocking messages for the user, shown one at a time in the alert dialog:
 * errors from requests (IpcError) and main's 'app.alert' events. `fix` is a
 * command the user can copy (e.g. the setcap line that allows capturing).
 */
import type { IpcErrorAction } from '../../../shared/ipc/contract';

export interface Alert {
  readonly title: string;
  readonly message: string;
  readonly fix?: string;
  /** Something main can do about it when asked (a button in the dialog). */
  readonly action?: IpcErrorAction;
}

export class Alerts {
  queue = $state.raw<readonly Alert[]>([]);

  get current(): Alert | null {
    return this.queue[0] ?? null;
  }

  push(alert: Alert): void {
    // The same failure repeated (e.g. every row chunk of a dead session) is one alert, not a stack.
    if (this.queue.some((a) => a.title === alert.title && a.message === alert.message)) return;
    this.queue = [...this.queue, alert];
  }

  dismiss(): void {
    this.queue = this.queue.slice(1);
  }
}
