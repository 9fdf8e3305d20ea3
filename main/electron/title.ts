/** The window's title from the session: what is open or being captured. */
import type { SessionState } from '../../shared/ipc/contract.js';

export function windowTitle(state: SessionState): string {
  const unsaved = state.unsaved ? '• ' : '';
  switch (state.source.kind) {
    case 'file':
      return `${unsaved}${state.source.name} — Paquet`;
    case 'live': {
      const filter = state.source.filter ? ` (${state.source.filter})` : '';
      return `${unsaved}${state.source.interface}${filter} — Paquet`;
    }
    default:
      return 'Paquet';
  }
}
