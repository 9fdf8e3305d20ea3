/** The application menu's template: every command, its shortcut, and one path for keys (see main/electron/menu.ts). */
import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import type { MenuCommand } from '../../shared/ipc/contract.js';
import { COMMAND_ENTRIES, RECENT_IN_MENU, aboutText, buildMenuTemplate, type MenuActions } from '../../main/electron/menu.js';

function recorder(): MenuActions & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    command: (c) => calls.push(`command:${c}`),
    openRecent: (p) => calls.push(`recent:${p}`),
    about: () => calls.push('about'),
  };
}

/** Every item, depth first. */
function items(template: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return template.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? items(i.submenu) : [])]);
}

function byId(template: MenuItemConstructorOptions[], id: string): MenuItemConstructorOptions {
  const found = items(template).find((i) => i.id === id);
  if (!found) throw new Error(`no menu item ${id}`);
  return found;
}

function click(item: MenuItemConstructorOptions): void {
  (item.click as () => void)();
}

const EXPECTED: [MenuCommand, string | undefined][] = [
  ['open', 'CmdOrCtrl+O'],
  ['save', 'CmdOrCtrl+S'],
  ['saveAs', 'CmdOrCtrl+Shift+S'],
  ['exportDisplayed', undefined],
  ['captureStartStop', 'CmdOrCtrl+E'],
  ['captureOptions', 'CmdOrCtrl+K'],
  ['captureRestart', undefined],
  ['goToPacket', 'CmdOrCtrl+G'],
  ['find', 'CmdOrCtrl+F'],
  ['focusFilter', 'CmdOrCtrl+/'],
  ['followTcp', 'CmdOrCtrl+Alt+Shift+T'],
  ['followWebSocket', undefined],
  ['editComment', 'CmdOrCtrl+Alt+C'],
];

describe.each(['linux', 'win32', 'darwin'] as const)('the menu on %s', (platform) => {
  const actions = recorder();
  const template = buildMenuTemplate({ platform, appName: 'Paquet', recent: [] }, actions);

  it.each(EXPECTED)('%s: present, with its shortcut shown but left to the page', (command, accelerator) => {
    const item = byId(template, command);
    expect(item.accelerator).toBe(accelerator);
    if (accelerator) expect(item.registerAccelerator).toBe(false);
    actions.calls.length = 0;
    click(item);
    expect(actions.calls).toEqual([`command:${command}`]);
  });

  it('has the menus in order, Quit and About where the platform puts them', () => {
    const labels = template.map((m) => m.label?.replace('&', '') ?? m.role);
    if (platform === 'darwin') {
      expect(labels).toEqual(['Paquet', 'File', 'Edit', 'View', 'Capture', 'Analyze', 'windowMenu', 'Help']);
      expect((template[0]!.submenu as MenuItemConstructorOptions[]).some((i) => i.role === 'quit')).toBe(true);
      expect(items(template).filter((i) => i.id === 'quit')).toEqual([]);
    } else {
      expect(labels).toEqual(['File', 'Edit', 'View', 'Capture', 'Analyze', 'Help']);
      expect(template.every((m) => m.label?.startsWith('&'))).toBe(true);
      expect(byId(template, 'quit').role).toBe('quit');
    }
    actions.calls.length = 0;
    click(byId(template, 'about'));
    expect(actions.calls).toEqual(['about']);
  });

  it('has copy and paste (macOS needs the roles for Cmd+C in inputs), zoom and DevTools', () => {
    const roles = items(template).map((i) => i.role).filter(Boolean);
    for (const r of ['copy', 'paste', 'cut', 'selectAll', 'undo', 'redo', 'zoomIn', 'zoomOut', 'resetZoom', 'toggleDevTools']) {
      expect(roles, r).toContain(r);
    }
    // No reload: a reload would only blank the page (the session lives in main) and Ctrl+R is Wireshark's Restart.
    expect(roles).not.toContain('reload');
    expect(roles).not.toContain('forceReload');
  });

  it('gives no two items the same shortcut', () => {
    const accels = items(template).map((i) => i.accelerator).filter((a): a is string => !!a);
    expect(new Set(accels).size).toBe(accels.length);
  });
});

describe('Open Recent', () => {
  it('lists recent files (at most RECENT_IN_MENU) and opens the one clicked', () => {
    const actions = recorder();
    const recent = Array.from({ length: RECENT_IN_MENU + 3 }, (_, i) => ({ path: `/caps/f${i}.pcap`, name: `f${i}.pcap` }));
    const template = buildMenuTemplate({ platform: 'linux', appName: 'Paquet', recent }, actions);
    const sub = byId(template, 'openRecent').submenu as MenuItemConstructorOptions[];
    expect(sub).toHaveLength(RECENT_IN_MENU);
    expect(sub[0]!.label).toBe('f0.pcap');
    expect(sub[0]!.sublabel).toBe('/caps/f0.pcap');
    click(sub[2]!);
    expect(actions.calls).toEqual(['recent:/caps/f2.pcap']);
  });

  it('says so when there is none', () => {
    const template = buildMenuTemplate({ platform: 'linux', appName: 'Paquet', recent: [] }, recorder());
    const sub = byId(template, 'openRecent').submenu as MenuItemConstructorOptions[];
    expect(sub).toEqual([{ id: 'recent-none', label: 'No recent files', enabled: false }]);
  });

  it("doubles '&' in names on Linux and Windows, where one '&' would be a mnemonic", () => {
    const recent = [{ path: '/c/a&b.pcap', name: 'a&b.pcap' }];
    const linux = byId(buildMenuTemplate({ platform: 'linux', appName: 'Paquet', recent }, recorder()), 'recent-0');
    const mac = byId(buildMenuTemplate({ platform: 'darwin', appName: 'Paquet', recent }, recorder()), 'recent-0');
    expect(linux.label).toBe('a&&b.pcap');
    expect(mac.label).toBe('a&b.pcap');
  });
});

describe('COMMAND_ENTRIES', () => {
  it('covers every MenuCommand of the contract and names itself', () => {
    const all: MenuCommand[] = [...EXPECTED.map(([c]) => c), 'about'];
    expect(Object.keys(COMMAND_ENTRIES).sort()).toEqual([...all].sort());
    for (const [key, entry] of Object.entries(COMMAND_ENTRIES)) expect(entry.command).toBe(key);
  });
});

describe('aboutText', () => {
  it('names the app, Electron, Chromium, Node and libpcap versions', () => {
    const t = aboutText({ version: '0.1.0', electron: '41.10.7', chrome: '146.0', node: '24.1.0', libpcap: 'libpcap version 1.10.3', platform: 'linux' });
    expect(t.message).toBe('Paquet 0.1.0');
    expect(t.detail).toContain('Electron 41.10.7');
    expect(t.detail).toContain('Chromium 146.0');
    expect(t.detail).toContain('Node.js 24.1.0');
    expect(t.detail).toContain('libpcap version 1.10.3');
  });

  it('says why the libpcap version is unknown', () => {
    const t = aboutText({ version: '0.1.0', electron: null, chrome: null, node: '20.0.0', libpcap: null, platform: 'linux' });
    expect(t.detail).toMatch(/capture program is not built, or could not be run/);
  });
});
