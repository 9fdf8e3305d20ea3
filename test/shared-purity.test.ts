/** shared/ runs in the worker, the CLI and the renderer: it may not reach for Node or Electron. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { REPO } from './support/dissect-file.js';

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

it('shared/ imports no Node or Electron module and uses no Buffer', () => {
  const offenders: string[] = [];
  for (const file of tsFiles(join(REPO, 'shared'))) {
    const text = readFileSync(file, 'utf8');
    if (/from\s+['"](node:|fs|path|os|zlib|child_process|electron|worker_threads)['"/]/.test(text) || /\bBuffer\./.test(text) || /\brequire\(/.test(text)) {
      offenders.push(file.slice(REPO.length + 1));
    }
  }
  expect(offenders).toEqual([]);
});
