/** The window's shortcuts (renderer/src/shell/keyboard.ts) agree with the menu's accelerators (main/electron/menu.ts). */
import { describe, expect, it } from 'vitest';
import { COMMAND_ENTRIES } from '../../main/electron/menu.js';
import { commandForKey } from '../../renderer/src/shell/keyboard.js';

interface Keys {
  key: string;
  code: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  shiftKey?: boolean;
  altGraph?: boolean;
}

function press(k: Keys): ReturnType<typeof commandForKey> {
  const e = {
    ctrlKey: false,
    metaKey: false,
    altKey: false,
    shiftKey: false,
    ...k,
    getModifierState: (m: string) => m === 'AltGraph' && !!k.altGraph,
  };
  return commandForKey(e as unknown as KeyboardEvent);
}

/** 'CmdOrCtrl+Alt+Shift+T' → the key event it stands for (Ctrl on Linux). */
function fromAccelerator(accelerator: string): Keys {
  const parts = accelerator.split('+');
  const last = parts.at(-1)!;
  const shift = parts.includes('Shift');
  const key = last === '/' ? '/' : shift ? last.toUpperCase() : last.toLowerCase();
  const code = last === '/' ? 'Slash' : `Key${last.toUpperCase()}`;
  return { key, code, ctrlKey: true, altKey: parts.includes('Alt'), shiftKey: shift };
}

describe('commandForKey', () => {
  it.each(Object.values(COMMAND_ENTRIES).filter((e) => 'accelerator' in e))('$accelerator runs $command, as the menu shows', (entry) => {
    expect(press(fromAccelerator((entry as { accelerator: string }).accelerator))).toBe(entry.command);
  });

  it('Ctrl+Alt+C is the packet comment whatever the layout makes of the key (Option+C is ç on a Mac)', () => {
    expect(press({ key: 'ç', code: 'KeyC', metaKey: true, altKey: true })).toBe('editComment');
    expect(press({ key: 'c', code: 'KeyC', ctrlKey: true, altKey: true })).toBe('editComment');
  });

  it('leaves AltGr (Ctrl+Alt on Windows) to typing: AltGr+C is ć in Polish', () => {
    expect(press({ key: 'ć', code: 'KeyC', ctrlKey: true, altKey: true, altGraph: true })).toBeNull();
  });

  it('leaves plain keys, Alt alone and unknown combinations to the page', () => {
    expect(press({ key: 'c', code: 'KeyC' })).toBeNull();
    expect(press({ key: 'c', code: 'KeyC', altKey: true })).toBeNull();
    expect(press({ key: 'c', code: 'KeyC', ctrlKey: true })).toBeNull(); // copy
    expect(press({ key: 'C', code: 'KeyC', ctrlKey: true, altKey: true, shiftKey: true })).toBeNull();
    expect(press({ key: 't', code: 'KeyT', ctrlKey: true, altKey: true })).toBeNull();
  });
});
