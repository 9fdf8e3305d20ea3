/**
 * The AppImage's one-time capture permission step. A deb or rpm sets the capture
 * program's capabilities at install time; an AppImage cannot (it is one file the
 * user downloads, and its contents are mounted read-only, for that user only). So
 * the app copies its capture program out of the image and asks pkexec, once, to
 * install that copy where locate.ts looks first in a packaged app
 * (SYSTEM_CAPTURE_PROGRAM), owned by root and a `paquet` group, with cap_net_raw
 * and cap_net_admin, and to add the user to the group: what Debian does for dumpcap.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { SYSTEM_CAPTURE_PROGRAM } from './locate.js';

/** True when this process runs from an AppImage (its runtime sets $APPIMAGE). */
export function runningFromAppImage(env: NodeJS.ProcessEnv = process.env): boolean {
  return process.platform === 'linux' && typeof env.APPIMAGE === 'string' && env.APPIMAGE.length > 0;
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
