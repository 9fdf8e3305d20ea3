/**
 * The AppImage's one-time capture permission step. A deb or rpm sets the capture
 * program's capabilities at install time; an AppImage cannot (it is one file the
 * user downloads, and its contents are mounted read-only, for that user only). So
 * the app copies its capture program out of the image and asks pkexec, once, to
 * install that copy where locate.ts looks first in a packaged app
 * (SYSTEM_CAPTURE_PROGRAM), owned by root and a `paquet` group, with cap_net_raw
 * and cap_net_admin, and to add the user to the group: what Debian does for dumpcap.
 *
 * Also what permission-guidance.ts needs to choose its words: how this copy was
 * installed, and whether a capture failure is a matter of permission or of a
 * missing program.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { captureProgramCandidates, findCaptureProgram, packagedApp, SYSTEM_CAPTURE_PROGRAM } from './locate.js';
import type { CaptureError } from './events.js';
import {
  missingProgramGuidance, npcapMissingGuidance, packagingOf, permissionGuidance, type CaptureSetting, type Guidance,
} from './permission-guidance.js';

/** True when this process runs from an AppImage (its runtime sets $APPIMAGE). */
export function runningFromAppImage(env: NodeJS.ProcessEnv = process.env): boolean {
  return process.platform === 'linux' && typeof env.APPIMAGE === 'string' && env.APPIMAGE.length > 0;
}

/**
 * What to tell the user when a capture could not start for want of permission
 * (the program refused, or this user may not run it) or of the program itself
 * (not built, not packaged); undefined for any other failure, whose own message
 * says it. `program` is the path the capture was asked to use, if any.
 */
export function captureGuidance(
  e: CaptureError,
  program?: string,
  setting: CaptureSetting = captureSetting(program),
): (Guidance & { readonly problem: 'permission' | 'missing' }) | undefined {
  if (e.code === 'permission' || (e.code === 'not-built' && unrunnableCaptureProgram(program !== undefined ? [program] : undefined))) {
    return { problem: 'permission', ...permissionGuidance(setting) };
  }
  // A program named explicitly (the session's captureProgram) that cannot start: its own message names it.
  if (e.code === 'not-built' && (program ?? findCaptureProgram()) === undefined) {
    return { problem: 'missing', ...missingProgramGuidance(setting) };
  }
  if (setting.platform === 'win32' && e.code === 'crashed' && DLL_NOT_FOUND.test(e.message)) {
    return { problem: 'missing', ...npcapMissingGuidance() };
  }
  return undefined;
}

/**
 * Windows ends a program whose DLLs cannot be found with STATUS_DLL_NOT_FOUND
 * (0xC0000135), which supervisor.ts reports as "exited with status N"; for the
 * capture program the missing DLL is Npcap's wpcap.dll.
 */
const DLL_NOT_FOUND = /exited with status (3221225781|-1073741515)\b/;

/**
 * This copy of Paquet as permission-guidance.ts needs it: the platform, how it
 * was installed, and its capture program (`program`, else the one found, else
 * one that exists but this user may not run).
 */
export function captureSetting(program?: string): CaptureSetting {
  const path = program ?? findCaptureProgram() ?? unrunnableCaptureProgram();
  const group = path !== undefined ? groupOf(path) : undefined;
  const packaging = packagingOf({
    platform: process.platform,
    packaged: packagedApp(dirname(fileURLToPath(import.meta.url))),
    appImage: runningFromAppImage(),
    ...(group !== undefined ? { programGroup: group } : {}),
  });
  return { platform: process.platform, packaging, ...(path !== undefined ? { program: path } : {}) };
}

/**
 * A capture program that is there but that this user may not run: the deb and
 * rpm packages let only root and the paquet group run theirs, so for anyone
 * else it looks "not built" to locate.ts when it is a matter of permission.
 */
export function unrunnableCaptureProgram(paths: readonly string[] = captureProgramCandidates()): string | undefined {
  return paths.find((p) => {
    try {
      if (!statSync(p).isFile()) return false;
    } catch {
      return false; // not there
    }
    try {
      accessSync(p, constants.X_OK);
      return false;
    } catch {
      return true;
    }
  });
}

/** The name of the group owning `path` (from /etc/group), or undefined. */
function groupOf(path: string): string | undefined {
  let gid: number;
  let groups: string;
  try {
    gid = statSync(path).gid;
    groups = readFileSync('/etc/group', 'utf8');
  } catch {
    return undefined; // not there, or no /etc/group (macOS keeps groups elsewhere, Windows has none): no deb/rpm then
  }
  for (const line of groups.split('\n')) {
    const [name, , id] = line.split(':');
    if (name && Number(id) === gid) return name;
  }
  return undefined;
}

const USER_NAME = /^[a-z_][a-z0-9_.-]{0,31}\$?$/i;

/** The root shell script pkexec runs; `source` is the copy outside the image, `user` who joins the group. */
export function permissionSetupScript(source: string, user: string): string {
  if (!USER_NAME.test(user)) throw new RangeError(`not a user name: ${JSON.stringify(user)}`);
  if (/['\n]/.test(source)) throw new RangeError('the capture program path cannot be quoted for the shell');
  return [
    'set -e',
    'getent group paquet >/dev/null || groupadd --system paquet',
    `install -D -o root -g paquet -m 0750 '${source}' '${SYSTEM_CAPTURE_PROGRAM}'`,
    `setcap cap_net_raw,cap_net_admin=eip '${SYSTEM_CAPTURE_PROGRAM}'`,
    `usermod -aG paquet '${user}'`,
  ].join('\n');
}

export type SetupResult = { readonly ok: true; readonly message: string } | { readonly ok: false; readonly message: string };

/** Run the step: copy the program out of the image, then pkexec the script. Never throws. */
export async function setupCapturePermission(program: string): Promise<SetupResult> {
  let dir: string | undefined;
  try {
    dir = await mkdtemp(join(tmpdir(), 'paquet-setup-'));
    const copy = join(dir, 'paquet-dumpcap');
    await copyFile(program, copy);
    const user = userInfo().username;
    const script = permissionSetupScript(copy, user);
    await new Promise<void>((resolve, reject) => {
      execFile('pkexec', ['/bin/sh', '-c', script], { timeout: 5 * 60_000 }, (err, _out, stderr) => {
        if (!err) return resolve();
        // pkexec exits 126 when the user dismisses the password dialog, 127 when not authorised.
        const code = (err as { code?: number | string }).code;
        if (code === 'ENOENT') return reject(new Error('pkexec is not installed (package policykit-1 or polkitd): run the commands in the README as root instead'));
        if (code === 126 || code === 127) return reject(new Error('the administrator password was not given; nothing was changed'));
        reject(new Error(stderr.trim() || err.message));
      });
    });
    return {
      ok: true,
      message: `Capture is set up: ${SYSTEM_CAPTURE_PROGRAM} has the capture capabilities and ${user} joined the paquet group. Log out and back in once for the group to take effect.`,
    };
  } catch (e) {
    return { ok: false, message: `Capture permission was not set up: ${(e as Error).message}` };
  } finally {
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}
