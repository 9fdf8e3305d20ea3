/** The two lists a user's sessions share, kept in the state folder: recent capture files and display filters. */
import { basename, join } from 'node:path';
import type { RecentFile } from '../../shared/ipc/contract.js';
import { LIMITS } from '../../shared/ipc/contract.js';
import { PersistedList } from './persisted-list.js';

export const RECENT_FILES_MAX = 10;
export const FILTER_HISTORY_MAX = 20;
export const RECENT_FILES_NAME = 'recent-files.json';
export const FILTER_HISTORY_NAME = 'filter-history.json';

export function recentFiles(stateDir: string): PersistedList<RecentFile> {
  return new PersistedList<RecentFile>(join(stateDir, RECENT_FILES_NAME), {
    max: RECENT_FILES_MAX,
    parse: (v) => {
      const path = (v as { path?: unknown } | null)?.path;
      if (typeof path !== 'string' || path === '' || path.length > LIMITS.pathChars || path.includes('\0')) return undefined;
      return { path, name: basename(path) };
    },
    same: (a, b) => a.path === b.path,
  });
}

export function filterHistory(stateDir: string): PersistedList<string> {
  return new PersistedList<string>(join(stateDir, FILTER_HISTORY_NAME), {
    max: FILTER_HISTORY_MAX,
    parse: (v) => (typeof v === 'string' && v.trim() !== '' && v.length <= LIMITS.filterChars ? v : undefined),
    same: (a, b) => a === b,
  });
}
