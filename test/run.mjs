#!/usr/bin/env node
// The project's test command: type-check, run vitest, then print the plain closing line
// ("N passed, N failed, N skipped") that CI reads, keeping vitest's exit status.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(repo, 'node_modules', '.bin', name);
const run = (cmd, args) => spawnSync(cmd, args, { cwd: repo, stdio: 'inherit' }).status ?? 1;

// Type-check main/shared, type-check the Svelte renderer, and build it (the browser tests load dist/renderer).
const steps = [
  [bin('tsc'), ['-p', 'tsconfig.json']],
  [bin('svelte-check'), ['--tsconfig', 'renderer/tsconfig.json', '--fail-on-warnings', '--output', 'human']],
  [bin('vite'), ['build', '--logLevel', 'warn']],
];
for (const [cmd, args] of steps) {
  if (run(cmd, args) !== 0) {
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
}
const out = join(repo, 'test', 'tmp');
mkdirSync(out, { recursive: true });
const report = join(out, 'vitest-report.json');
rmSync(report, { force: true });
const status = run(bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile=${report}`, ...process.argv.slice(2)]);
if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  console.log(`\n${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
} else {
  console.log('0 passed, 1 failed');
}
process.exit(status === 0 ? 0 : 1);
