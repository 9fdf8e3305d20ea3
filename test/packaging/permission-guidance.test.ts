/**
 * What the alert dialog says when a capture cannot start for want of
 * permission or of the capture program (issue 7), for every platform and way
 * of installing Paquet: the platform is an argument, so all of them are
 * checked here whatever this machine is.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CaptureError } from '../../main/capture/events.js';
import { SYSTEM_CAPTURE_PROGRAM } from '../../main/capture/locate.js';
import {
  missingProgramGuidance, packagingOf, permissionGuidance, type CaptureSetting, type Guidance, type Packaging,
} from '../../main/capture/permission-guidance.js';
import { captureGuidance, unrunnableCaptureProgram } from '../../main/capture/permission-setup.js';
import { startCapture } from '../../main/capture/supervisor.js';
import { captureFailure } from '../../main/session/live-capture.js';

const PACKAGINGS: Packaging[] = ['source', 'deb-rpm', 'appimage', 'tarball', 'installer'];
const PLATFORMS: NodeJS.Platform[] = ['linux', 'darwin', 'win32'];
const DEB_PROGRAM = '/opt/Paquet/resources/app/dist/capture/paquet-dumpcap';

const tmp = mkdtempSync(join(tmpdir(), 'paquet-guidance-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A fix is one command the user pastes into a shell: it must parse. */
function parses(g: Guidance): void {
  if (g.fix !== undefined) execFileSync('sh', ['-n', '-c', g.fix]);
}

describe('how this copy was installed', () => {
  it('tells a checkout, the AppImage, deb/rpm (the paquet group owns the program), the tar.gz and the installers apart', () => {
    const base = { platform: 'linux' as const, packaged: true, appImage: false };
    expect(packagingOf({ ...base, packaged: false })).toBe('source');
    expect(packagingOf({ ...base, appImage: true })).toBe('appimage');
    expect(packagingOf({ ...base, packaged: false, appImage: true })).toBe('appimage'); // $APPIMAGE wins
    expect(packagingOf({ ...base, programGroup: 'paquet' })).toBe('deb-rpm');
    expect(packagingOf({ ...base, programGroup: 'root' })).toBe('tarball');
    expect(packagingOf(base)).toBe('tarball');
    expect(packagingOf({ ...base, platform: 'darwin' })).toBe('installer');
    expect(packagingOf({ ...base, platform: 'win32', appImage: true })).toBe('installer');
    expect(packagingOf({ ...base, platform: 'darwin', packaged: false })).toBe('source');
  });
});

describe('no permission to capture', () => {
  it('Linux deb/rpm: join the paquet group, then log out and in (and the setcap line if the capabilities were lost)', () => {
    const g = permissionGuidance({ platform: 'linux', packaging: 'deb-rpm', program: DEB_PROGRAM });
    expect(g.fix).toBe('sudo usermod -aG paquet $USER');
    expect(g.message).toMatch(/paquet group/);
    expect(g.message).toMatch(/log out and back in/);
    expect(g.message).toContain(`sudo setcap cap_net_raw,cap_net_admin=eip ${DEB_PROGRAM}`);
    expect(g.action).toBeUndefined();
  });

  it('Linux from a checkout or the tar.gz: the setcap line for the program, quoted when its path needs it', () => {
    for (const packaging of ['source', 'tarball'] as const) {
      const g = permissionGuidance({ platform: 'linux', packaging, program: '/home/a/My Apps/Paquet/paquet-dumpcap' });
      expect(g.fix).toBe("sudo setcap cap_net_raw,cap_net_admin=eip '/home/a/My Apps/Paquet/paquet-dumpcap'");
      expect(g.message).toMatch(/capabilities/);
      expect(g.action).toBeUndefined();
      parses(g);
    }
    const odd = permissionGuidance({ platform: 'linux', packaging: 'tarball', program: "/opt/it's/paquet-dumpcap" });
    expect(odd.fix).toBe("sudo setcap cap_net_raw,cap_net_admin=eip '/opt/it'\\''s/paquet-dumpcap'");
    parses(odd);
    expect(permissionGuidance({ platform: 'linux', packaging: 'source' }).fix).toBe('sudo setcap cap_net_raw,cap_net_admin=eip dist/capture/paquet-dumpcap');
  });

  it('AppImage: the one-time setup button, no command', () => {
    const g = permissionGuidance({ platform: 'linux', packaging: 'appimage', program: '/tmp/.mount_x/paquet-dumpcap' });
    expect(g.action).toBe('setup-permission');
    expect(g.fix).toBeUndefined();
    expect(g.message).toContain(SYSTEM_CAPTURE_PROGRAM);
    expect(g.message).toMatch(/log out and back in/);
  });

  it('macOS: read access to /dev/bpf*: ChmodBPF for good, chown for a one-off, however Paquet was installed', () => {
    for (const packaging of PACKAGINGS) {
      const g = permissionGuidance({ platform: 'darwin', packaging });
      expect(g.fix).toBe('sudo chown $USER /dev/bpf*');
      expect(g.message).toMatch(/\/dev\/bpf\*/);
      expect(g.message).toMatch(/ChmodBPF/);
      expect(g.message).toMatch(/launch daemon/);
      expect(g.message).toMatch(/access_bpf/);
      expect(g.action).toBeUndefined();
      parses(g);
    }
  });

  it("Windows: Npcap from npcap.com in WinPcap API-compatible mode, the administrators' restriction off, or run as administrator", () => {
    for (const packaging of PACKAGINGS) {
      const g = permissionGuidance({ platform: 'win32', packaging });
      expect(g.message).toContain('https://npcap.com');
      expect(g.message).toMatch(/WinPcap API-compatible Mode" checked/);
      expect(g.message).toMatch(/Restrict Npcap driver's access to Administrators only" unchecked/);
      expect(g.message).toMatch(/run Paquet as administrator/);
      expect(g.fix).toBeUndefined();
      expect(g.action).toBeUndefined();
    }
  });

  it('only the AppImage offers the setup step; every message starts by saying what is wrong', () => {
    for (const platform of PLATFORMS) {
      for (const packaging of PACKAGINGS) {
        const g = permissionGuidance({ platform, packaging, program: '/p/paquet-dumpcap' });
        expect(g.message).toMatch(/^You do not have permission to capture/);
        expect(g.action === 'setup-permission').toBe(platform === 'linux' && packaging === 'appimage');
      }
    }
  });
});

describe('no capture program', () => {
  const missing = (s: CaptureSetting) => missingProgramGuidance(s);

  it('from a checkout: the build command, with what it needs on Linux and on macOS', () => {
    const linux = missing({ platform: 'linux', packaging: 'source' });
    expect(linux.fix).toBe('node main/capture/build.mjs');
    expect(linux.message).toMatch(/not built/);
    expect(linux.message).toMatch(/apt-get install gcc libpcap-dev/);
    const mac = missing({ platform: 'darwin', packaging: 'source' });
    expect(mac.fix).toBe('node main/capture/build.mjs');
    expect(mac.message).toMatch(/xcode-select --install/);
    expect(mac.message).not.toMatch(/apt-get/);
  });

  it('from a package: reinstall it, in the words of that package', () => {
    expect(missing({ platform: 'linux', packaging: 'deb-rpm' }).message).toMatch(/Reinstall the package/);
    expect(missing({ platform: 'linux', packaging: 'appimage' }).message).toMatch(/Download the AppImage again/);
    expect(missing({ platform: 'linux', packaging: 'tarball' }).message).toMatch(/Extract the archive again/);
    expect(missing({ platform: 'darwin', packaging: 'installer' }).message).toMatch(/Paquet\.app.*disk image/);
    for (const packaging of ['deb-rpm', 'appimage', 'tarball', 'installer'] as const) {
      expect(missing({ platform: 'linux', packaging }).fix).toBeUndefined();
    }
  });

  it('on Windows: from a checkout, MinGW-w64 and the Npcap SDK to build it; from the installer, install again', () => {
    const source = missing({ platform: 'win32', packaging: 'source' });
    expect(source.fix).toBe('node main/capture/build.mjs');
    expect(source.message).toMatch(/MinGW-w64/);
    expect(source.message).toMatch(/Npcap SDK \(https:\/\/npcap\.com\/#download\)/);
    expect(source.message).toMatch(/NPCAP_SDK/);
    expect(missing({ platform: 'win32', packaging: 'installer' })).toEqual({ message: expect.stringMatching(/Install Paquet again/) });
  });

  it('on Windows, a program that cannot find wpcap.dll (exit status 0xC0000135): install Npcap, in WinPcap API-compatible mode', () => {
    const win: CaptureSetting = { platform: 'win32', packaging: 'installer', program: 'C:\\Paquet\\paquet-dumpcap.exe' };
    for (const status of ['3221225781', '-1073741515']) {
      const g = captureGuidance(new CaptureError('crashed', `the capture program exited with status ${status}`), undefined, win);
      expect(g).toMatchObject({ problem: 'missing', message: expect.stringMatching(/Npcap driver \(its wpcap\.dll\)/) });
      expect(g?.message).toContain('https://npcap.com');
      expect(g?.message).toMatch(/WinPcap API-compatible Mode" checked/);
    }
    // The same status elsewhere, or another status, is a crash like any other.
    expect(captureGuidance(new CaptureError('crashed', 'the capture program exited with status 3221225781'), undefined, { ...win, platform: 'linux' })).toBeUndefined();
    expect(captureGuidance(new CaptureError('crashed', 'the capture program exited with status 1'), undefined, win)).toBeUndefined();
  });
});

describe('which failures get guidance', () => {
  it('a refusal for permission, and a program this user may not run (deb/rpm outside the group); not other failures', () => {
    const locked = join(tmp, 'paquet-dumpcap');
    writeFileSync(locked, '#!/bin/sh\n');
    chmodSync(locked, 0o640); // no x bit for anyone: not even root may run it
    expect(unrunnableCaptureProgram([join(tmp, 'absent'), locked])).toBe(locked);
    expect(captureGuidance(new CaptureError('not-built', `cannot run ${locked}: spawn EACCES`), locked)).toMatchObject({ problem: 'permission' });
    const refused = captureGuidance(new CaptureError('permission', "no permission to capture on 'eth0'", 'sudo setcap ...'), locked);
    expect(refused?.problem).toBe('permission');
    expect(refused?.message).toMatch(/^You do not have permission to capture/);

    chmodSync(locked, 0o750);
    expect(unrunnableCaptureProgram([locked])).toBeUndefined();
    // A program named on purpose that cannot start for another reason keeps its own message.
    expect(captureGuidance(new CaptureError('not-built', `cannot run ${locked}: spawn ENOEXEC`), locked)).toBeUndefined();
    expect(captureGuidance(new CaptureError('no-such-device', 'there is no interface named x'), locked)).toBeUndefined();
    expect(captureGuidance(new CaptureError('bad-filter', 'syntax error'))).toBeUndefined();
  });

  it('a capture started with a program this user may not run fails as a permission error, with the guidance', async () => {
    const locked = join(tmp, 'locked-dumpcap');
    writeFileSync(locked, '#!/bin/sh\n');
    chmodSync(locked, 0o640);
    const session = startCapture({ interface: 'lo', file: join(tmp, 'never.pcapng'), filter: '' }, { program: locked });
    const failure = await session.started.then(() => undefined, (e: unknown) => e);
    expect(failure).toMatchObject({ code: 'not-built', message: expect.stringMatching(/EACCES/) });
    const e = captureFailure(failure, locked);
    expect({ code: e.code, message: e.message, fix: e.fix, action: e.action }).toEqual({
      code: 'permission', message: expect.stringMatching(/^You do not have permission to capture/), fix: expect.any(String), action: undefined,
    });
    await session.done;
  });
});
