import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { SYSTEM_CAPTURE_PROGRAM } from '../../main/capture/locate.js';
import { permissionSetupScript, runningFromAppImage } from '../../main/capture/permission-setup.js';

describe('the AppImage capture permission step', () => {
  it('installs the program where locate.ts looks first, for the paquet group, with the two capabilities', () => {
    const s = permissionSetupScript('/tmp/paquet-setup-x/paquet-dumpcap', 'alice');
    expect(s).toContain(`install -D -o root -g paquet -m 0750 '/tmp/paquet-setup-x/paquet-dumpcap' '${SYSTEM_CAPTURE_PROGRAM}'`);
    expect(s).toContain(`setcap cap_net_raw,cap_net_admin=eip '${SYSTEM_CAPTURE_PROGRAM}'`);
    expect(s).toContain("usermod -aG paquet 'alice'");
    execFileSync('sh', ['-n', '-c', s]);
  });

  it('refuses a user name or path that could break out of the script', () => {
    expect(() => permissionSetupScript('/tmp/x', "bob'; rm -rf /")).toThrow(/not a user name/);
    expect(() => permissionSetupScript("/tmp/it's", 'bob')).toThrow(/cannot be quoted/);
  });

  it('knows an AppImage by $APPIMAGE', () => {
    expect(runningFromAppImage({ APPIMAGE: '/home/a/Paquet.AppImage' })).toBe(process.platform === 'linux');
    expect(runningFromAppImage({})).toBe(false);
  });
});
