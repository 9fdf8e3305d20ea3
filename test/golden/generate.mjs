#!/usr/bin/env node
// Regenerates test/golden/expected/ from tshark (Debian 12's 4.0): for every case in
// test/golden/cases/*.json, the values tshark prints with -T fields for each listed field.
// Usage: node test/golden/generate.mjs [AREA...]   (needs tshark on PATH; TZ is forced to UTC)
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
const only = new Set(process.argv.slice(2));
const COLUMNS = ['_ws.col.Protocol', '_ws.col.Info', '_ws.col.Source', '_ws.col.Destination'];

const version = execFileSync('tshark', ['--version'], { encoding: 'utf8' }).split('\n')[0];
for (const file of readdirSync(join(here, 'cases')).filter((f) => f.endsWith('.json')).sort()) {
  const area = basename(file, '.json');
  if (only.size && !only.has(area)) continue;
  const cases = JSON.parse(readFileSync(join(here, 'cases', file), 'utf8'));
  const outDir = join(here, 'expected', area);
  mkdirSync(outDir, { recursive: true });
  for (const c of cases) {
    const fields = [...c.fields, ...(c.columns ? COLUMNS : [])];
    // -n: Paquet resolves no names (no OUI table), so it is compared with tshark's unresolved output.
    const args = ['-n', '-r', resolve(repo, c.capture), '-T', 'fields', '-E', 'header=y', '-E', 'separator=/t', '-E', 'occurrence=a', '-E', 'quote=n'];
    for (const d of c.decodeAs ?? []) args.push('-d', d);
    for (const f of fields) args.push('-e', f);
    let out;
    try {
      out = execFileSync('tshark', args, { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' }, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 });
    } catch (e) {
      // tshark exits non-zero on a cut-short file yet prints every packet it read: keep that output.
      if (typeof e.stdout !== 'string' || !e.stdout) throw new Error(`tshark failed on ${c.capture}: ${e.stderr}`);
      out = e.stdout;
    }
    const target = join(outDir, slug(c.capture) + '.tsv');
    writeFileSync(target, `# ${version}; tshark ${args.slice(3).join(' ')}\n` + out);
    console.log(`${area}: ${c.capture} -> ${target.slice(repo.length + 1)} (${out.split('\n').length - 2} packets)`);
  }
}

function slug(path) {
  return path.replace(/^(\.\.\/)+/, '').replace(/[^A-Za-z0-9._-]+/g, '_');
}
