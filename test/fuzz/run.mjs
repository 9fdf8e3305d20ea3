#!/usr/bin/env node
// `npm run fuzz -- [--minutes N] [--target file|packets|filter|inflate|dumpcap-argv] [--seed S]`: fuzz each
// target for N minutes (default 1 each) under a watchdog; crashing, hanging and slow inputs are
// written to test/tmp/fuzz/ to be turned into regressions (test/fuzz/regressions/). Needs `npm run build`.
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { TARGETS } from './engine.mjs';
import { crashFileName } from './crash-files.mjs';
import { REPO } from './seeds.mjs';
import { runTarget } from './supervise.mjs';
import { runDumpcapArgvTarget } from './dumpcap-argv.mjs';

// Targets that run a program rather than code in the worker; only on request (they need a C compiler).
const PROGRAM_TARGETS = { 'dumpcap-argv': runDumpcapArgvTarget };

function usage(msg) {
  console.error(`fuzz: ${msg}\nusage: npm run fuzz -- [--minutes N] [--target ${[...Object.keys(TARGETS), ...Object.keys(PROGRAM_TARGETS)].join('|')}] [--seed N]`);
  process.exit(2);
}

const args = process.argv.slice(2);
let minutes = 1;
let targets = Object.keys(TARGETS);
let seed = Date.now() & 0x7fffffff;
for (let i = 0; i < args.length; i++) {
  const v = args[i + 1];
  if (args[i] === '--minutes') { minutes = Number(v); i++; if (!(minutes > 0)) usage(`--minutes needs a positive number, not ${v}`); }
  else if (args[i] === '--target') { i++; if (!TARGETS[v] && !PROGRAM_TARGETS[v]) usage(`unknown target ${v}`); targets = [v]; }
  else if (args[i] === '--seed') { seed = Number(v); i++; if (!Number.isSafeInteger(seed)) usage(`--seed needs an integer, not ${v}`); }
  else usage(`unknown argument ${args[i]}`);
}
if (!existsSync(join(REPO, 'dist', 'shared'))) usage('dist/ is missing: run `npm run build` first');

const out = join(REPO, 'test', 'tmp', 'fuzz');
mkdirSync(out, { recursive: true });
let bad = 0;
for (const target of targets) {
  const r = PROGRAM_TARGETS[target] ? await PROGRAM_TARGETS[target]({ seed, minutes }) : await runTarget({ target, seed, minutes });
  const save = (kind, input) => {
    const bytes = input instanceof Uint8Array ? input : TARGETS[target].bytes(input);
    const name = `${kind}-${crashFileName(target, bytes)}`;
    writeFileSync(join(out, name), bytes);
    return name;
  };
  for (const c of r.crashes) { bad++; console.log(`CRASH ${target} case ${c.case}: ${save('crash', c.input)}\n  ${c.error.split('\n').slice(0, 4).join('\n  ')}`); }
  for (const s of r.slow) console.log(`slow  ${target} case ${s.case} ${s.ms} ms: ${save('slow', s.input)}`);
  if (r.hang) { bad++; console.log(`HANG  ${target} case ${r.hang.case}: ${save('hang', r.hang.input)}`); }
  console.log(`${target}: ${r.cases} cases in ${minutes} min, seed ${seed}, corpus ${r.corpus ?? '?'}, features ${r.features ?? '?'}, heap ≤ ${r.maxHeapMiB ?? '?'} MiB, ${r.crashes.length} crashes, ${r.slow.length} slow${r.hang ? ', 1 hang' : ''}`);
}
process.exit(bad > 0 ? 1 : 0);
