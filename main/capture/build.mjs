#!/usr/bin/env node
// Builds the capture program with the system C compiler and libpcap:
// main/capture/paquet-dumpcap.c -> dist/capture/paquet-dumpcap.
// A missing compiler or libpcap is not fatal to `npm install`: the rest of Paquet works without
// live capture, so this prints what to install and exits 0 (PAQUET_CAPTURE_REQUIRED=1 makes it fail).
import { spawnSync } from 'node:child_process';
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const source = join(here, 'paquet-dumpcap.c');
const outDir = join(repo, 'dist', 'capture');
const output = join(outDir, process.platform === 'win32' ? 'paquet-dumpcap.exe' : 'paquet-dumpcap');
const required = process.env.PAQUET_CAPTURE_REQUIRED === '1';

function giveUp(why) {
  const hint =
    process.platform === 'darwin'
      ? 'install the Xcode command line tools (xcode-select --install)'
      : process.platform === 'win32'
        ? 'install a C compiler and the Npcap SDK (live capture on Windows is not built by this script yet)'
        : 'install a C compiler and libpcap headers (Debian/Ubuntu: apt-get install gcc libpcap-dev)';
  console.error(`paquet: live capture not built: ${why}; ${hint}`);
  process.exit(required ? 1 : 0);
}

if (process.platform === 'win32') giveUp('Windows is not supported by this build script');

const cc = process.env.CC || 'cc';
const flags = ['-std=c11', '-O2', '-Wall', '-Wextra', '-Wshadow', '-Wformat=2', '-D_FORTIFY_SOURCE=2', '-fstack-protector-strong'];
mkdirSync(outDir, { recursive: true });
// Compile to a private name, then rename: two builds at once (parallel test workers) never
// leave a half-written program where the supervisor looks for it.
const partial = `${output}.${process.pid}.tmp`;
const args = [...flags, '-o', partial, source, '-lpcap'];
const r = spawnSync(cc, args, { stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' });
if (r.error) giveUp(`${cc}: ${r.error.message}`);
if (r.status !== 0) {
  rmSync(partial, { force: true });
  process.stderr.write(r.stderr ?? '');
  giveUp(/pcap\.h|lpcap/.test(r.stderr ?? '') ? 'libpcap development files are missing' : `${cc} failed`);
}
if (r.stderr) process.stderr.write(r.stderr);
renameSync(partial, output);
console.log(`paquet: built ${output}`);
console.log(
  process.platform === 'linux'
    ? `paquet: to capture without root, once: sudo setcap cap_net_raw,cap_net_admin=eip ${output}`
    : 'paquet: to capture without root, give your user read access to /dev/bpf*',
);
