import type { SessionSource, SessionState } from '../../../shared/ipc/contract';

export const EMPTY_SESSION: SessionState = {
  source: { kind: 'empty' },
  packets: 0,
  displayed: 0,
  progress: 1,
  busy: null,
  displayFilter: '',
  sort: null,
  unsaved: false,
  capture: { state: 'idle', captured: 0, dropped: 0, elapsed: 0 },
  warnings: [],
  generation: 0,
};

/** Identity of what is open, to notice a new file or a new capture (selection and scroll then start over). */
export function sourceKey(source: SessionSource): string {
  switch (source.kind) {
    case 'empty':
      return 'empty';
    case 'file':
      return `file:${source.path}`;
    case 'live':
      return `live:${source.interface}:${source.filter}`;
  }
}

/** A short name for the status bar and the window title. */
export function sourceName(source: SessionSource): string {
  switch (source.kind) {
    case 'empty':
      return 'No capture';
    case 'file':
      return source.name;
    case 'live':
      return source.filter ? `${source.interface} (${source.filter})` : source.interface;
  }
}

/**
 * The session as main last described it ('session.changed', or the reply of a
 * request that changes it). Replaced whole, never patched: `$state.raw`.
 */
export class Session {
  state = $state.raw<SessionState>(EMPTY_SESSION);
  /** performance.now() when `state` arrived, to tick the elapsed capture time between updates. */
  receivedAt = $state(0);

  readonly key = $derived(sourceKey(this.state.source));
  readonly capturing = $derived(this.state.capture.state === 'running' || this.state.capture.state === 'starting');

  set(state: SessionState): void {
    this.state = state;
    this.receivedAt = performance.now();
  }
}
