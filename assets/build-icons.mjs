#!/usr/bin/env node
// Renders assets/icon.svg into every size the platforms ask for, with Debian's chromium driven by
// playwright-core (already a dev dependency for the browser tests), and packs the Windows .ico and the
// macOS .icns around those PNGs. The outputs are committed, so packaging needs no browser:
// run `node assets/build-icons.mjs` after changing the SVG.
//   assets/icons/<N>x<N>.png  (16 24 32 48 64 128 256 512 1024) — Linux hicolor sizes, and the sources of:
//   assets/icon.ico           PNG-compressed entries 16..256 (Windows Vista and later read them)
//   assets/icon.icns          icp4 icp5 icp6 ic07 ic08 ic09 ic10 (16..1024)
//   assets/icon.png           512x512 (electron-builder's and the window's icon)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];
const ICNS_TYPES = { icp4: 16, icp5: 32, icp6: 64, ic07: 128, ic08: 256, ic09: 512, ic10: 1024 };

async function render() {
  const svg = readFileSync(join(here, 'icon.svg'), 'utf8');
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const pngs = new Map();
  try {
    const page = await browser.newPage();
    for (const size of SIZES) {
      await page.setViewportSize({ width: size, height: size });
      const body = svg.replace('width="1024" height="1024"', `width="${size}" height="${size}"`);
      await page.setContent(`<html><body style="margin:0;background:transparent">${body}</body></html>`);
      pngs.set(size, await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } }));
    }
  } finally {
    await browser.close();
  }
  return pngs;
}

function ico(pngs) {
  const n = ICO_SIZES.length;
  const header = Buffer.alloc(6 + 16 * n);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // icon
  header.writeUInt16LE(n, 4);
  let offset = header.length;
  ICO_SIZES.forEach((s, i) => {
    const e = 6 + 16 * i;
    header.writeUInt8(s === 256 ? 0 : s, e); // 0 means 256
    header.writeUInt8(s === 256 ? 0 : s, e + 1);
    header.writeUInt16LE(1, e + 4); // planes
    header.writeUInt16LE(32, e + 6); // bits per pixel
    header.writeUInt32LE(pngs.get(s).length, e + 8);
    header.writeUInt32LE(offset, e + 12);
    offset += pngs.get(s).length;
  });
  return Buffer.concat([header, ...ICO_SIZES.map((s) => pngs.get(s))]);
}

function icns(pngs) {
  const entries = Object.entries(ICNS_TYPES).map(([type, s]) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'latin1');
    head.writeUInt32BE(8 + pngs.get(s).length, 4);
    return Buffer.concat([head, pngs.get(s)]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'latin1');
  head.writeUInt32BE(8 + entries.reduce((n, e) => n + e.length, 0), 4);
  return Buffer.concat([head, ...entries]);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const pngs = await render();
  mkdirSync(join(here, 'icons'), { recursive: true });
  for (const [s, png] of pngs) writeFileSync(join(here, 'icons', `${s}x${s}.png`), png);
  writeFileSync(join(here, 'icon.png'), pngs.get(512));
  writeFileSync(join(here, 'icon.ico'), ico(pngs));
  writeFileSync(join(here, 'icon.icns'), icns(pngs));
  console.log(`wrote ${pngs.size} PNGs, icon.png, icon.ico, icon.icns`);
}
