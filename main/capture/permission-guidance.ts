/**
 * What the app tells a user who cannot capture, in one place: the words of the
 * alert dialog, the command it offers to copy, and whether it offers the
 * AppImage's one-time setup step. Chosen by platform and by how this copy of
 * Paquet was installed, both passed in (never read here), so every case can be
 * tested on any machine. permission-setup.ts finds the real ones.
 */
import { SYSTEM_CAPTURE_PROGRAM } from './locate.js';

/**
 * How this copy of Paquet was installed: from a checkout (`source`), or a
 * package: deb/rpm (their post-install script made the `paquet` group),
 * AppImage, the Linux tar.gz, or the macOS/Windows installer (`installer`).
 */
export type Packaging = 'source' | 'deb-rpm' | 'appimage' | 'tarball' | 'installer';

export interface CaptureSetting {
  readonly platform: NodeJS.Platform;
  readonly packaging: Packaging;
  /** The capture program's path, when there is one (named in the commands). */
  readonly program?: string;
}

export interface Guidance {
  /** What is wrong and what to do, in sentences. */
  readonly message: string;
  /** The one command that fixes it, for the dialog's Copy button. */
  readonly fix?: string;
  /** The AppImage's setup step, offered as a button. */
  readonly action?: 'setup-permission';
}

/** How this copy was installed, from what permission-setup.ts observes. */
export function packagingOf(o: {
  readonly platform: NodeJS.Platform;
  /** Running from a packaged app (under Electron's resources folder), not a checkout. */
  readonly packaged: boolean;
  readonly appImage: boolean;
  /** The group owning the capture program; the deb/rpm post-install makes it `paquet`. */
  readonly programGroup?: string;
}): Packaging {
  // $APPIMAGE is set only by the AppImage's runtime: it wins over any other sign.
  if (o.platform === 'linux' && o.appImage) return 'appimage';
  if (!o.packaged) return 'source';
  if (o.platform !== 'linux') return 'installer';
  return o.programGroup === 'paquet' ? 'deb-rpm' : 'tarball';
}

/** A path as one shell word. */
function shellWord(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}

/** Where a checkout builds the program, relative to the Paquet folder (when no path is known). */
const PROGRAM_IN_CHECKOUT = 'dist/capture/paquet-dumpcap';

function setcapLine(program: string | undefined): string {
  return `sudo setcap cap_net_raw,cap_net_admin=eip ${shellWord(program ?? PROGRAM_IN_CHECKOUT)}`;
}

const NPCAP_INSTALL =
  'Install Npcap from https://npcap.com with "Install Npcap in WinPcap API-compatible Mode" checked and ' +
  '"Restrict Npcap driver\'s access to Administrators only" unchecked.';

/** The first paragraph of every permission message; the dialog keeps the blank line before the steps. */
const DENIED = 'You do not have permission to capture network traffic on this computer yet.';

/** A capture refused for lack of privilege (or a capture program this user may not run). */
export function permissionGuidance(s: CaptureSetting): Guidance {
  switch (s.platform) {
    case 'darwin':
      return {
        message:
          `${DENIED}\n\nmacOS lets only root read the packet capture devices (/dev/bpf*). ` +
          "To allow it for good, install Wireshark's ChmodBPF package (\"Install ChmodBPF\" in Wireshark's disk " +
          'image): it installs a launch daemon that gives the access_bpf group read access to /dev/bpf* at every ' +
          'start, and adds you to that group; then log out and back in. For a one-off until the next restart, take ' +
          'the devices with the command below.',
        fix: 'sudo chown $USER /dev/bpf*',
      };
    case 'win32':
      return {
        message:
          `${DENIED}\n\nCapturing on Windows needs the Npcap driver. ${NPCAP_INSTALL} If Npcap is installed with that restriction, run Paquet as administrator, ` +
          'or install Npcap again without it.',
      };
    case 'linux':
      return linuxPermission(s);
    default:
      return {
        message: `${DENIED}\n\nGive your user read access to the capture devices (see your system's libpcap documentation), or run Paquet as root.`,
      };
  }
}

function linuxPermission(s: CaptureSetting): Guidance {
  switch (s.packaging) {
    case 'deb-rpm':
      return {
        message:
          `${DENIED}\n\nThe Paquet package lets the members of the paquet group capture. Join the group with the ` +
          'command below, then log out and back in (the new group counts from the next login).\n\nIf you are in the ' +
          `group and have logged in again since, the capture program lost its capabilities; give them back: ${setcapLine(s.program)}`,
        fix: 'sudo usermod -aG paquet $USER',
      };
    case 'appimage':
      return {
        message:
          `${DENIED}\n\nAn AppImage cannot give its capture program the capture capabilities itself. Set up capture once: ` +
          `the button below asks for the administrator password, installs the capture program as ${SYSTEM_CAPTURE_PROGRAM} ` +
          'with those capabilities for the paquet group, and adds you to the group. Then log out and back in. If you ' +
          'did this already, log out and back in first.',
        action: 'setup-permission',
      };
    default: {
      const program = shellWord(s.program ?? PROGRAM_IN_CHECKOUT);
      return {
        message:
          `${DENIED}\n\nGive the capture program the capture capabilities once, with the command below (Debian does the ` +
          'same for dumpcap). To let only one group of users capture, also make the program theirs and not for ' +
          `others: sudo chgrp GROUP ${program} && sudo chmod 750 ${program}. Or run Paquet as root (not advised).`,
        fix: setcapLine(s.program),
      };
    }
  }
}

/**
 * Windows: the capture program cannot start because wpcap.dll is nowhere to be
 * found, i.e. Npcap is not installed (or not in WinPcap API-compatible mode,
 * which puts wpcap.dll where programs look).
 */
export function npcapMissingGuidance(): Guidance {
  return {
    message:
      'The capture program could not start: it needs the Npcap driver (its wpcap.dll), which is not installed.\n\n' +
      `${NPCAP_INSTALL} Then start the capture again.`,
  };
}

const BUILD = 'node main/capture/build.mjs';

/** What building the capture program needs, by platform. */
function buildNeeds(platform: NodeJS.Platform): string {
  switch (platform) {
    case 'darwin':
      return 'a C compiler: the Xcode command line tools (xcode-select --install); libpcap comes with macOS.';
    case 'win32':
      return (
        'MinGW-w64 (MSYS2: pacman -S mingw-w64-x86_64-gcc) and the Npcap SDK (https://npcap.com/#download), with ' +
        'NPCAP_SDK set to the folder it is unpacked in. Capturing then needs Npcap itself installed.'
      );
    default:
      return "a C compiler and libpcap's headers (Debian and Ubuntu: sudo apt-get install gcc libpcap-dev; Fedora: sudo dnf install gcc libpcap-devel).";
  }
}

/** No capture program: not built (a checkout), or missing from the installation. */
export function missingProgramGuidance(s: CaptureSetting): Guidance {
  switch (s.packaging) {
    case 'source':
      return {
        message: `Live capture needs the capture program, which is not built. Build it in the Paquet folder with the command below; it needs ${buildNeeds(s.platform)}`,
        fix: BUILD,
      };
    case 'deb-rpm':
      return { message: 'The capture program is missing from the Paquet package. Reinstall the package.' };
    case 'appimage':
      return { message: 'The capture program is missing from this AppImage. Download the AppImage again.' };
    case 'tarball':
      return { message: 'The capture program is missing from this copy of Paquet. Extract the archive again.' };
    case 'installer':
      return {
        message:
          s.platform === 'darwin'
            ? 'The capture program is missing from Paquet.app. Install Paquet again from its disk image.'
            : 'The capture program is missing from this copy of Paquet. Install Paquet again.',
      };
  }
}
