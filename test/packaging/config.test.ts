/**
 * What can be checked of the packages without building them (building needs Electron and
 * packaging tools downloaded from GitHub): electron-builder's own loader and schema accept
 * the config; every file it names exists; the icons have the sizes each platform needs;
 * file associations; the capture program's place outside the asar archive matches where
 * main/capture/locate.ts and the deb/rpm post-install script look for it. A real `--dir`
 * build runs when ELECTRON_OVERRIDE_DIST_PATH names an Electron dist.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { unpackedPath } from '../../main/capture/locate.js';

const repo = join(import.meta.dirname, '..', '..');

async function loadConfig(): Promise<Record<string, any>> {
  // electron-builder's own loading and JSON-schema validation, as `electron-builder` does before building.
  const { getConfig, validateConfiguration } = await import('app-builder-lib/out/util/config/config.js');
  const { DebugLogger } = await import('builder-util/out/DebugLogger.js');
  const config = await getConfig(repo, join(repo, 'electron-builder.yml'), null);
  await validateConfiguration(config, new DebugLogger(false));
  return config as Record<string, any>;
}

function pngSize(path: string): [number, number] {
  const b = readFileSync(path);
  expect(b.subarray(1, 4).toString('latin1')).toBe('PNG');
  return [b.readUInt32BE(16), b.readUInt32BE(20)];
}

describe('electron-builder.yml', () => {
  it('is accepted by electron-builder (loader and schema)', async () => {
    const c = await loadConfig();
    expect(c.appId).toBe('org.paquet.app');
    expect(c.productName).toBe('Paquet');
    expect(c.linux.category).toBe('Network');
  });

  it('asks for the packages the issue lists, and no native rebuild', async () => {
    const c = await loadConfig();
    expect(c.linux.target).toEqual(expect.arrayContaining(['AppImage', 'deb', 'rpm']));
    expect(c.mac.target).toBe('dmg');
    expect(c.win.target).toBe('nsis');
    expect(c.npmRebuild).toBe(false);
    expect(c.nodeGypRebuild).toBe(false);
  });

  it('associates .pcap, .pcapng, .cap and their .gz forms', async () => {
    const c = await loadConfig();
    const exts = (c.fileAssociations as { ext: string | string[] }[]).flatMap((a) => (Array.isArray(a.ext) ? a.ext : [a.ext]));
    expect(exts.sort()).toEqual(['cap', 'cap.gz', 'pcap', 'pcap.gz', 'pcapng', 'pcapng.gz']);
  });

  it('packs what the app runs: package.json main, the renderer, the worker, the preload', async () => {
    const c = await loadConfig();
    const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
    expect(pkg.main).toBe('dist/main/electron/main.js');
    const patterns = (c.files as ({ filter: string[] } | string)[]).flatMap((f) => (typeof f === 'string' ? [f] : f.filter));
    expect(patterns).toEqual(expect.arrayContaining(['package.json', 'dist/**']));
    // Electron modules the package needs at run time are dev dependencies (bundled or provided by Electron).
    expect(Object.keys(pkg.dependencies ?? {})).not.toContain('electron');
  });

  it('keeps the capture program an ordinary file, where locate.ts and the post-install script look', async () => {
    const c = await loadConfig();
    expect(c.asar).toBe(false);
    // locate.ts, compiled to resources/app/dist/main/capture/, looks in ../../capture.
    const compiled = ['', 'opt', 'Paquet', 'resources', 'app', 'dist', 'main', 'capture'].join(sep);
    const program = join(compiled, '..', '..', 'capture', 'paquet-dumpcap');
    expect(unpackedPath(program)).toBe(program);
    const script = readFileSync(join(repo, c.deb.afterInstall), 'utf8');
    expect(script).toContain(`PROGRAM='${program}'`);
    expect(script).toContain('setcap cap_net_raw,cap_net_admin=eip');
    expect(script).toMatch(/groupadd --system paquet/);
    // The build writes the program where asarUnpack picks it up.
    expect(readFileSync(join(repo, 'main', 'capture', 'build.mjs'), 'utf8')).toMatch(/dist[/\\'", ]+capture/);
  });

  it('names files that exist, with shell scripts that parse', async () => {
    const c = await loadConfig();
    for (const f of [c.deb.afterInstall, c.deb.afterRemove, c.rpm.afterInstall, c.rpm.afterRemove, c.mac.icon, c.win.icon, c.linux.icon]) {
      expect(existsSync(join(repo, f)), f).toBe(true);
    }
    for (const f of [c.deb.afterInstall, c.deb.afterRemove]) {
      execFileSync('sh', ['-n', join(repo, f)]);
      expect(statSync(join(repo, f)).mode & 0o111).not.toBe(0);
    }
  });
});

describe('icons', () => {
  it('has every Linux size, each PNG the size its name says', () => {
    for (const s of [16, 24, 32, 48, 64, 128, 256, 512, 1024]) {
      expect(pngSize(join(repo, 'assets', 'icons', `${s}x${s}.png`))).toEqual([s, s]);
    }
    expect(pngSize(join(repo, 'assets', 'icon.png'))).toEqual([512, 512]);
  });

  it('has a Windows .ico with 16 to 256 pixel entries', () => {
    const b = readFileSync(join(repo, 'assets', 'icon.ico'));
    expect(b.readUInt16LE(2)).toBe(1);
    const n = b.readUInt16LE(4);
    const sizes = Array.from({ length: n }, (_, i) => b.readUInt8(6 + 16 * i) || 256);
    expect(sizes).toEqual(expect.arrayContaining([16, 32, 48, 256]));
    for (let i = 0; i < n; i++) {
      const len = b.readUInt32LE(6 + 16 * i + 8);
      const at = b.readUInt32LE(6 + 16 * i + 12);
      expect(at + len).toBeLessThanOrEqual(b.length);
      expect(b.subarray(at + 1, at + 4).toString('latin1')).toBe('PNG');
    }
  });

  it('has a macOS .icns up to 1024 pixels', () => {
    const b = readFileSync(join(repo, 'assets', 'icon.icns'));
    expect(b.subarray(0, 4).toString('latin1')).toBe('icns');
    expect(b.readUInt32BE(4)).toBe(b.length);
    const types: string[] = [];
    for (let at = 8; at < b.length; at += b.readUInt32BE(at + 4)) types.push(b.subarray(at, at + 4).toString('latin1'));
    expect(types).toEqual(expect.arrayContaining(['icp4', 'ic07', 'ic08', 'ic09', 'ic10']));
  });
});

const electronDist = process.env.ELECTRON_OVERRIDE_DIST_PATH;
if (!electronDist) console.log('packaging build test skipped: ELECTRON_OVERRIDE_DIST_PATH does not name an Electron dist (it cannot be downloaded here)');

describe.skipIf(!electronDist)('an offline --dir build', () => {
  it('puts the capture program, executable, where locate.ts finds it', () => {
    execFileSync(join(repo, 'node_modules', '.bin', 'electron-builder'), ['--dir', '--config', 'electron-builder.yml', `-c.electronDist=${electronDist}`], { cwd: repo, stdio: 'inherit' });
    const program = join(repo, 'out', 'dist', 'linux-unpacked', 'resources', 'app', 'dist', 'capture', 'paquet-dumpcap');
    expect(statSync(program).mode & 0o111).not.toBe(0);
  }, 300_000);
});
