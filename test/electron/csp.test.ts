/** One CSP for the page: the module main uses, the page's meta tag, and the bridge's header agree, and it is strict. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, cspDirectives } from '../../main/electron/csp.js';
import { REPO } from '../support/dissect-file.js';

/** The content of the page's CSP meta tag, or null when there is none. */
function metaPolicy(html: string): string | null {
  const tag = /<meta\s[^>]*http-equiv="Content-Security-Policy"[^>]*>/is.exec(html)?.[0];
  if (!tag) return null;
  return /content="([^"]*)"/s.exec(tag)?.[1] ?? null;
}

describe('the Content-Security-Policy', () => {
  it("equals renderer/index.html's meta tag", () => {
    expect(metaPolicy(readFileSync(join(REPO, 'renderer/index.html'), 'utf8'))).toBe(CONTENT_SECURITY_POLICY);
  });

  const built = join(REPO, 'dist/renderer/index.html');
  it.skipIf(!existsSync(built))('equals the built page (dist/renderer/index.html) too', () => {
    expect(metaPolicy(readFileSync(built, 'utf8'))).toBe(CONTENT_SECURITY_POLICY);
  });
  if (!existsSync(built)) console.log('csp.test: dist/renderer/index.html is not built (npm run build); its meta tag is not checked');

  it('runs scripts only from the app itself: no inline script, no eval', () => {
    const d = cspDirectives();
    expect(d.get('script-src')).toEqual(["'self'"]);
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval');
    expect(CONTENT_SECURITY_POLICY).not.toContain('wasm-unsafe-eval');
    expect(d.get('script-src')).not.toContain("'unsafe-inline'");
  });

  it('starts from nothing allowed and loads nothing remote', () => {
    const d = cspDirectives();
    expect(d.get('default-src')).toEqual(["'none'"]);
    expect(d.get('object-src')).toEqual(["'none'"]);
    expect(d.get('base-uri')).toEqual(["'none'"]);
    expect(d.get('form-action')).toEqual(["'none'"]);
    for (const [name, values] of d) {
      for (const v of values) {
        expect(v, `${name} ${v}`).not.toMatch(/^(\*|https?:|data:.*script|blob:)$/);
        if (v.startsWith('ws:')) expect(v, name).toBe('ws://127.0.0.1:*');
      }
    }
    expect(d.has('frame-src')).toBe(false); // falls back to default-src 'none'
  });

  it("is the same policy the browser-test bridge sends, when the bridge declares one", async () => {
    const candidates = ['main/ipc/static-files.ts', 'main/ipc/ws-bridge.ts'].filter((p) => existsSync(join(REPO, p)));
    let checked = 0;
    for (const file of candidates) {
      const mod = (await import(join(REPO, file))) as { CONTENT_SECURITY_POLICY?: unknown };
      if (typeof mod.CONTENT_SECURITY_POLICY === 'string') {
        expect(mod.CONTENT_SECURITY_POLICY, file).toBe(CONTENT_SECURITY_POLICY);
        checked++;
      }
    }
    if (checked === 0) console.log('csp.test: no bridge module exports CONTENT_SECURITY_POLICY (it may import this one); nothing to compare');
  });
});
