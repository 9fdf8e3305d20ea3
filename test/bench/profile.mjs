/**
 * Reads a V8 .cpuprofile (node --cpu-prof) and ranks self time by function
 * and by file, so the hot spots of the summary pass can be named precisely.
 * Usage: node test/bench/profile.mjs FILE.cpuprofile [TOP]
 */
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(import.meta.dirname, '../..');

/** Paths under the built tree are shown as their TypeScript source (dist/x.js → x.ts). */
function sourceName(url) {
  if (!url) return '';
  let path = url.startsWith('file://') ? fileURLToPath(url) : url;
  if (path.startsWith(REPO)) {
    path = relative(REPO, path).replace(/^(test\/tmp\/[^/]+\/)?(test\/tmp\/bench\/)?dist\//, '').replace(/\.js$/, '.ts');
  }
  return path;
}

const maps = new Map();

/** The TypeScript line (1-based) of a position in built JavaScript, via its .js.map; undefined without one. */
function sourceLine(url, line, column) {
  if (!url.startsWith('file://')) return undefined;
  const path = fileURLToPath(url) + '.map';
  if (!maps.has(path)) maps.set(path, existsSync(path) ? new SourceMap(JSON.parse(readFileSync(path, 'utf8'))) : undefined);
  const entry = maps.get(path)?.findEntry(line, column);
  return entry && entry.originalLine !== undefined ? entry.originalLine + 1 : undefined;
}

/** Self time (ms) per profile node, from the sample stream. */
function selfTimes(profile) {
  const self = new Map();
  const { samples, timeDeltas } = profile;
  for (let i = 0; i < samples.length; i++) {
    // A sample's time is the gap to the next one (timeDeltas[i + 1]).
    const dt = (timeDeltas[i + 1] ?? 0) / 1000;
    self.set(samples[i], (self.get(samples[i]) ?? 0) + dt);
  }
  return self;
}

export function analyseProfile(path, top = 25) {
  const profile = JSON.parse(readFileSync(path, 'utf8'));
  const self = selfTimes(profile);
  const byFunction = new Map();
  const byFile = new Map();
  let total = 0;
  for (const node of profile.nodes) {
    const ms = self.get(node.id) ?? 0;
    if (ms === 0) continue;
    total += ms;
    const cf = node.callFrame;
    const file = sourceName(cf.url) || cf.functionName || '(native)';
    const fn = cf.functionName || '(anonymous)';
    const line = cf.url ? sourceLine(cf.url, cf.lineNumber, cf.columnNumber) ?? cf.lineNumber + 1 : 0;
    const key = cf.url ? `${fn} ${file}:${line}` : fn;
    byFunction.set(key, (byFunction.get(key) ?? 0) + ms);
    byFile.set(file, (byFile.get(file) ?? 0) + ms);
  }
  const rank = (m) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top)
    .map(([name, ms]) => ({ name, ms: Math.round(ms), pct: +(100 * ms / total).toFixed(1) }));
  return { totalMs: Math.round(total), functions: rank(byFunction), files: rank(byFile) };
}

export function profileMarkdown(result) {
  const table = (rows, title) => [
    `| ${title} | self ms | % |`, '|---|---:|---:|',
    ...rows.map((r) => `| \`${r.name}\` | ${r.ms} | ${r.pct} |`),
  ].join('\n');
  return `Sampled time: ${result.totalMs} ms.\n\nBy function (self time):\n\n${table(result.functions, 'function  file:line')}\n\nBy file (self time):\n\n${table(result.files, 'file')}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = analyseProfile(process.argv[2], Number(process.argv[3] ?? 25));
  process.stdout.write(profileMarkdown(result));
}
