/**
 * The capture program's Windows build, cross-compiled with MinGW-w64 through build.mjs's Windows
 * branch. The Npcap SDK cannot be fetched here, so a stand-in SDK is made: Npcap's headers are
 * libpcap's, taken from libpcap-dev, and wpcap.lib is an import library (x86_64-w64-mingw32-dlltool)
 * for exactly the pcap_* functions the object file calls. This proves the Windows code compiles
 * without warnings and links against wpcap.dll, ws2_32, shell32 and the C runtime only; it does
 * not run it.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const REPO = resolve(import.meta.dirname, '../..');
const CROSS = 'x86_64-w64-mingw32';
const has = (cmd: string) => spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0;

function whySkipped(): string | undefined {
  if (!has(`${CROSS}-gcc`)) return `${CROSS}-gcc is not installed (Debian: apt-get install gcc-mingw-w64-x86-64)`;
  if (!has(`${CROSS}-dlltool`) || !has(`${CROSS}-nm`) || !has(`${CROSS}-objdump`)) return `the ${CROSS} binutils are not installed`;
  if (!existsSync('/usr/include/pcap/pcap.h')) return 'libpcap headers are missing (apt-get install libpcap-dev)';
  return undefined;
}
const skip = whySkipped();
if (skip) console.log(`Windows cross-build test skipped: ${skip}`);

const work = mkdtempSync(join(tmpdir(), 'paquet-win-build-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env });
  if (r.error) throw r.error;
  return r;
}

/** An SDK laid out as Npcap's (Include/, Lib/x64/wpcap.lib) from libpcap's headers and the calls the program makes. */
function standInSdk(): { sdk: string; imported: string[] } {
  const sdk = join(work, 'npcap-sdk');
  mkdirSync(join(sdk, 'Lib', 'x64'), { recursive: true });
  cpSync('/usr/include/pcap', join(sdk, 'Include', 'pcap'), { recursive: true, dereference: true });
  copyFileSync('/usr/include/pcap.h', join(sdk, 'Include', 'pcap.h'));
  const obj = join(work, 'paquet-dumpcap.o');
  const cc = run(`${CROSS}-gcc`, ['-std=c11', '-I', join(sdk, 'Include'), '-c', '-o', obj, join(REPO, 'main/capture/paquet-dumpcap.c')]);
  expect(cc.stderr).toBe('');
  const nm = run(`${CROSS}-nm`, ['-u', obj]);
  const imported = nm.stdout.split('\n').map((l) => l.trim().split(/\s+/).pop() ?? '').filter((s) => s.startsWith('pcap_')).sort();
  const def = join(work, 'wpcap.def');
  writeFileSync(def, `LIBRARY wpcap.dll\nEXPORTS\n${imported.join('\n')}\n`);
  const dll = run(`${CROSS}-dlltool`, ['-d', def, '-l', join(sdk, 'Lib', 'x64', 'wpcap.lib')]);
  expect(dll.status, dll.stderr).toBe(0);
  return { sdk, imported };
}

describe.skipIf(skip !== undefined)('paquet-dumpcap for Windows (Npcap), cross-compiled', () => {
  it('build.mjs builds a warning-free x86-64 .exe that imports only wpcap, ws2_32, shell32, kernel32 and msvcrt', () => {
    const { sdk, imported } = standInSdk();
    // The Windows code waits on Npcap's event rather than a selectable descriptor, and reads the Windows-only call.
    expect(imported).toContain('pcap_getevent');
    expect(imported).not.toContain('pcap_get_selectable_fd');
    const exe = join(work, 'paquet-dumpcap.exe');
    const build = run(process.execPath, [join(REPO, 'main/capture/build.mjs')], {
      ...process.env,
      PAQUET_CAPTURE_TARGET: 'windows',
      PAQUET_CAPTURE_REQUIRED: '1',
      PAQUET_CAPTURE_OUT: exe,
      NPCAP_SDK: sdk,
      CC: `${CROSS}-gcc`,
    });
    expect(build.status, build.stderr).toBe(0);
    expect(build.stderr).not.toMatch(/warning|error/);
    expect(existsSync(exe)).toBe(true);

    const dump = run(`${CROSS}-objdump`, ['-p', exe]);
    expect(dump.stdout).toMatch(/file format pei-x86-64/);
    const dlls = [...dump.stdout.matchAll(/DLL Name: (\S+)/g)].map((m) => m[1].toLowerCase()).sort();
    expect(dlls).toEqual(['kernel32.dll', 'msvcrt.dll', 'shell32.dll', 'wpcap.dll', 'ws2_32.dll']);
    // The console program, not a GUI one: its JSON goes to the pipe the supervisor reads.
    expect(dump.stdout).toMatch(/Subsystem\s+00000003/);
  }, 120_000);

  it('refuses a Windows build without the SDK, saying where it looked', () => {
    const build = run(process.execPath, [join(REPO, 'main/capture/build.mjs')], {
      ...process.env,
      PAQUET_CAPTURE_TARGET: 'windows',
      PAQUET_CAPTURE_REQUIRED: '1',
      PAQUET_CAPTURE_OUT: join(work, 'never.exe'),
      NPCAP_SDK: join(work, 'no-sdk-here'),
      CC: `${CROSS}-gcc`,
    });
    expect(build.status).toBe(1);
    expect(build.stderr).toContain(`no Npcap SDK at ${join(work, 'no-sdk-here')}`);
    expect(existsSync(join(work, 'never.exe'))).toBe(false);
  });
});
