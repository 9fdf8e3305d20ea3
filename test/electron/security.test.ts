/** The window's security settings and the contents/session hardening, with stand-ins for Electron's objects. */
import { EventEmitter } from 'node:events';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../main/electron/csp.js';
import { hardenContents, hardenSession, isAppUrl, permissionAllowed, windowOptions, withCsp } from '../../main/electron/security.js';

const INDEX = '/opt/paquet/dist/renderer/index.html';
const INDEX_URL = pathToFileURL(INDEX).href;

describe('windowOptions', () => {
  const prefs = windowOptions('/opt/paquet/dist/main/electron/preload.cjs').webPreferences!;

  it('isolates and sandboxes the page, with no Node and full web security', () => {
    expect(prefs.preload).toBe('/opt/paquet/dist/main/electron/preload.cjs');
    expect(prefs.contextIsolation).toBe(true);
    expect(prefs.sandbox).toBe(true);
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.nodeIntegrationInWorker).toBe(false);
    expect(prefs.nodeIntegrationInSubFrames).toBe(false);
    expect(prefs.webSecurity).toBe(true);
    expect(prefs.allowRunningInsecureContent).toBe(false);
    expect(prefs.webviewTag).toBe(false);
    expect(prefs.navigateOnDragDrop).toBe(false);
    expect(prefs.experimentalFeatures).toBe(false);
    expect(prefs.spellcheck).toBe(false);
    expect(prefs).not.toHaveProperty('enableBlinkFeatures');
  });

  it('keeps DevTools available (never opened by itself) unless told otherwise', () => {
    expect(prefs.devTools).toBe(true);
    expect(windowOptions('/p.cjs', { devTools: false }).webPreferences!.devTools).toBe(false);
  });

  it('waits for the first paint before showing the window', () => {
    expect(windowOptions('/p.cjs').show).toBe(false);
  });
});

describe('isAppUrl', () => {
  it("accepts the app's page, with or without query and fragment", () => {
    expect(isAppUrl(INDEX_URL, INDEX)).toBe(true);
    expect(isAppUrl(`${INDEX_URL}?x=1#top`, INDEX)).toBe(true);
  });

  it('refuses other files, other schemes, hosts and junk', () => {
    expect(isAppUrl(pathToFileURL('/opt/paquet/dist/renderer/other.html').href, INDEX)).toBe(false);
    expect(isAppUrl(pathToFileURL('/home/me/chat.pcap').href, INDEX)).toBe(false);
    expect(isAppUrl('file:///opt/paquet/dist/renderer/../renderer/index.html', INDEX)).toBe(true); // the same file
    expect(isAppUrl('file://evil.example/opt/paquet/dist/renderer/index.html', INDEX)).toBe(false);
    expect(isAppUrl('https://example.com/index.html', INDEX)).toBe(false);
    expect(isAppUrl('http://127.0.0.1:8080/index.html', INDEX)).toBe(false);
    expect(isAppUrl('about:blank', INDEX)).toBe(false);
    expect(isAppUrl('not a url', INDEX)).toBe(false);
    expect(isAppUrl('', INDEX)).toBe(false);
  });
});

describe('permissionAllowed', () => {
  it('allows only clipboard writes, and only to the app page', () => {
    expect(permissionAllowed('clipboard-sanitized-write', INDEX_URL, INDEX)).toBe(true);
    expect(permissionAllowed('clipboard-sanitized-write', 'https://example.com/', INDEX)).toBe(false);
    expect(permissionAllowed('clipboard-sanitized-write', undefined, INDEX)).toBe(false);
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen', 'hid', 'serial', 'usb', 'unknown']) {
      expect(permissionAllowed(p, INDEX_URL, INDEX), p).toBe(false);
    }
  });
});

/** A WebContents stand-in: an EventEmitter that records the window-open handler. */
class FakeContents extends EventEmitter {
  openHandler: ((details: { url: string }) => { action: string }) | null = null;
  setWindowOpenHandler(h: (details: { url: string }) => { action: string }): void {
    this.openHandler = h;
  }
}

function preventable(extra: Record<string, unknown> = {}): { prevented: boolean; preventDefault(): void } & Record<string, unknown> {
  const e = {
    prevented: false,
    preventDefault() {
      e.prevented = true;
    },
    ...extra,
  };
  return e;
}

describe('hardenContents', () => {
  const contents = new FakeContents();
  hardenContents(contents as never, INDEX);

  it.each(['will-navigate', 'will-frame-navigate', 'will-redirect'])('%s: stays on the app page', (name) => {
    for (const url of ['https://example.com/', pathToFileURL('/home/me/chat.pcap').href, 'javascript:alert(1)', 'data:text/html,hi']) {
      const e = preventable({ url });
      contents.emit(name, e);
      expect(e.prevented, url).toBe(true);
    }
    const own = preventable({ url: `${INDEX_URL}?token=abc` });
    contents.emit(name, own);
    expect(own.prevented).toBe(false);
  });

  it('refuses <webview>', () => {
    const e = preventable();
    contents.emit('will-attach-webview', e, {}, { src: 'https://example.com/' });
    expect(e.prevented).toBe(true);
  });

  it('denies every new window, whatever the URL', () => {
    expect(contents.openHandler).not.toBeNull();
    for (const url of ['https://example.com/', INDEX_URL, 'mailto:a@b.c']) {
      expect(contents.openHandler!({ url }).action).toBe('deny');
    }
  });
});

describe('hardenSession', () => {
  type RequestHandler = (c: unknown, permission: string, callback: (granted: boolean) => void, details: { requestingUrl?: string }) => void;
  type CheckHandler = (c: unknown, permission: string, origin: string, details: { requestingUrl?: string }) => boolean;
  type HeadersListener = (details: { url: string; resourceType: string; responseHeaders?: Record<string, string[]> }, cb: (r: { responseHeaders?: Record<string, string[]> }) => void) => void;
  let request: RequestHandler | null = null;
  let check: CheckHandler | null = null;
  let headers: HeadersListener | null = null;
  const fakeSession = {
    setPermissionRequestHandler: (h: RequestHandler) => (request = h),
    setPermissionCheckHandler: (h: CheckHandler) => (check = h),
    webRequest: { onHeadersReceived: (l: HeadersListener) => (headers = l) },
  };
  hardenSession(fakeSession as never, INDEX);

  it('answers permission requests and checks: no, except clipboard writes from the app', () => {
    const answers: boolean[] = [];
    request!(null, 'media', (g) => answers.push(g), { requestingUrl: INDEX_URL });
    request!(null, 'notifications', (g) => answers.push(g), { requestingUrl: INDEX_URL });
    request!(null, 'clipboard-sanitized-write', (g) => answers.push(g), { requestingUrl: INDEX_URL });
    expect(answers).toEqual([false, false, true]);
    expect(check!(null, 'geolocation', 'file:///', { requestingUrl: INDEX_URL })).toBe(false);
    expect(check!(null, 'clipboard-sanitized-write', 'file:///', { requestingUrl: INDEX_URL })).toBe(true);
  });

  it("adds the CSP header to the app's file:// page and leaves other responses alone", () => {
    let reply: { responseHeaders?: Record<string, string[]> } | null = null;
    headers!({ url: INDEX_URL, resourceType: 'mainFrame', responseHeaders: { 'content-security-policy': ["default-src *"], 'X-Other': ['1'] } }, (r) => (reply = r));
    expect(reply!.responseHeaders).toEqual({ 'X-Other': ['1'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
    headers!({ url: 'devtools://devtools/bundled/index.html', resourceType: 'mainFrame' }, (r) => (reply = r));
    expect(reply).toEqual({});
    headers!({ url: pathToFileURL('/opt/paquet/dist/renderer/assets/index.js').href, resourceType: 'script' }, (r) => (reply = r));
    expect(reply).toEqual({});
  });

  it('withCsp replaces an existing policy whatever its case', () => {
    expect(withCsp({ 'Content-Security-Policy': ['x'] })).toEqual({ 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
    expect(withCsp(undefined)).toEqual({ 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
  });
});
