#!/usr/bin/env node
// Builds the capture program with a C compiler and libpcap (Npcap's SDK on Windows):
// main/capture/paquet-dumpcap.c -> dist/capture/paquet-dumpcap (.exe on Windows).
// A missing compiler or libpcap is not fatal to `npm install`: the rest of Paquet works without
// live capture, so this prints what to install and exits 0 (PAQUET_CAPTURE_REQUIRED=1 makes it fail).
//
// Environment:
//   CC                       the compiler (default cc; gcc for Windows: MinGW-w64, e.g. MSYS2's)
//   NPCAP_SDK                Windows: where the Npcap SDK is unpacked (default C:\npcap-sdk);
//                            its Include/ and Lib/x64/ are used
//   PAQUET_CAPTURE_TARGET    "windows" to build the .exe from another system (a MinGW-w64 cross compiler as CC)
//   PAQUET_CAPTURE_OUT       the program's path (default dist/capture/...)
//   PAQUET_CAPTURE_CFLAGS    extra compiler flags, space-separated (the tests' sanitizer build)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const source = join(here, 'paquet-dumpcap.c');
const windows = process.env.PAQUET_CAPTURE_TARGET === 'windows' || process.platform === 'win32';
const output = process.env.PAQUET_CAPTURE_OUT || join(repo, 'dist', 'capture', windows ? 'paquet-dumpcap.exe' : 'paquet-dumpcap');
const required = process.env.PAQUET_CAPTURE_REQUIRED === '1';
const extraFlags = (process.env.PAQUET_CAPTURE_CFLAGS ?? '').split(/\s+/).filter(Boolean);

function giveUp(why) {
  const hint = windows
    ? 'install MinGW-w64 (MSYS2: pacman -S mingw-w64-x86_64-gcc) and the Npcap SDK (https://npcap.com/#download), and set NPCAP_SDK'
    : process.platform === 'darwin'
      ? 'install the Xcode command line tools (xcode-select --install)'
      : 'install a C compiler and libpcap headers (Debian/Ubuntu: apt-get install gcc libpcap-dev)';
  console.error(`paquet: live capture not built: ${why}; ${hint}`);
  process.exit(required ? 1 : 0);
}

const warnings = ['-std=c11', '-O2', '-Wall', '-Wextra', '-Wshadow', '-Wformat=2'];

/** Compiler, flags and libraries for this system. */
function toolchain() {
  if (!windows) {
    return {
      cc: process.env.CC || 'cc',
      flags: [...warnings, '-D_FORTIFY_SOURCE=2', '-fstack-protector-strong'],
      libs: ['-lpcap'],
    };
  }
  const sdk = process.env.NPCAP_SDK || 'C:\\npcap-sdk';
  if (!existsSync(join(sdk, 'Include', 'pcap.h'))) giveUp(`no Npcap SDK at ${sdk} (Include/pcap.h is missing)`);
  // MinGW's stack protector and fortified functions need libssp, which not every MinGW ships.
  return {
    cc: process.env.CC || 'gcc',
    flags: [...warnings, '-I', join(sdk, 'Include')],
    libs: ['-L', join(sdk, 'Lib', 'x64'), '-lwpcap', '-lws2_32', '-lshell32'],
  };
}

const { cc, flags, libs } = toolchain();
mkdirSync(dirname(output), { recursive: true });
// Compile to a private name, then rename: two builds at once (parallel test workers) never
// leave a half-written program where the supervisor looks for it.
const partial = `${output}.${process.pid}.tmp${windows ? '.exe' : ''}`;
const args = [...flags, ...extraFlags, '-o', partial, source, ...libs];
const r = spawnSync(cc, args, { stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' });
if (r.error) giveUp(`${cc}: ${r.error.message}`);
if (r.status !== 0) {
  rmSync(partial, { force: true });
  process.stderr.write(r.stderr ?? '');
  giveUp(/pcap\.h|lpcap|lwpcap/.test(r.stderr ?? '') ? 'libpcap development files are missing' : `${cc} failed`);
}
if (r.stderr) process.stderr.write(r.stderr);
renameSync(partial, output);
console.log(`paquet: built ${output}`);
if (windows) {
  console.log('paquet: the program needs Npcap installed; it finds wpcap.dll when %SystemRoot%\\System32\\Npcap is on PATH');
} else {
  console.log(
    process.platform === 'linux'
      ? `paquet: to capture without root, once: sudo setcap cap_net_raw,cap_net_admin=eip ${output}`
      : 'paquet: to capture without root, give your user read access to /dev/bpf*',
  );
}
