/**
 * What a Paquet window may do. The page shows bytes from the network, so it is
 * treated like a web page from a stranger: sandboxed, no Node, isolated from
 * the preload, no navigation away from the app, no new windows, no webviews,
 * no permissions (camera, notifications...), and a strict CSP.
 *
 * The functions here take Electron objects as parameters (types only), so the
 * pure parts are tested without Electron (test/electron/security.test.ts).
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserWindowConstructorOptions, Session, WebContents } from 'electron';
import { CONTENT_SECURITY_POLICY } from './csp.js';

export interface WindowChoices {
  /** DevTools can be opened (View menu); they are never opened by themselves. */
  readonly devTools?: boolean;
}

/** Options of every session window. */
export function windowOptions(preloadPath: string, choices: WindowChoices = {}): BrowserWindowConstructorOptions {
  return {
    title: 'Paquet',
    width: 1280,
    height: 820,
    minWidth: 640,
    minHeight: 420,
    // Shown on 'ready-to-show' so the window does not flash white before the page paints.
    show: false,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      // A file dropped on the window is opened through the preload, never navigated to.
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
      devTools: choices.devTools ?? true,
    },
  };
}

/** True when `url` is the app's own page (`indexPath`, a file path), whatever its query or fragment. */
export function isAppUrl(url: string, indexPath: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false; // not a URL at all: certainly not ours
  }
  if (parsed.protocol !== 'file:') return false;
  try {
    return resolve(fileURLToPath(parsed)) === resolve(indexPath);
  } catch {
    return false; // file URL with a host (file://server/...): not ours
  }
}

/**
 * Permissions the page may have: only writing text to the clipboard ("Copy as
 * text" in the panes uses navigator.clipboard). Everything else (camera,
 * microphone, geolocation, notifications, HID, serial, USB, fullscreen from
 * the page, openExternal...) is refused.
 */
export function permissionAllowed(permission: string, requestingUrl: string | undefined, indexPath: string): boolean {
  return permission === 'clipboard-sanitized-write' && requestingUrl !== undefined && isAppUrl(requestingUrl, indexPath);
}

/**
 * Locks down one window's contents: no navigation except to the app's page,
 * no new windows (packets may hold URLs; none is opened, not even in the system
 * browser: a capture is untrusted input), no <webview>.
 */
export function hardenContents(contents: WebContents, indexPath: string): void {
  contents.on('will-navigate', (event) => {
    if (!isAppUrl(event.url, indexPath)) event.preventDefault();
  });
  // Sub-frames cannot load (the CSP has no frame-src), but refuse their navigations too.
  contents.on('will-frame-navigate', (event) => {
    if (!isAppUrl(event.url, indexPath)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (!isAppUrl(event.url, indexPath)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
  });
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/**
 * Session-wide rules: permission requests and checks refused (except
 * permissionAllowed), and the CSP sent as a header with the app's page as well
 * as in its <meta> tag (when both are present the browser enforces both).
 */
export function hardenSession(session: Session, indexPath: string): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(permissionAllowed(permission, details.requestingUrl, indexPath));
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) =>
    permissionAllowed(permission, details.requestingUrl ?? requestingOrigin, indexPath),
  );
  session.webRequest.onHeadersReceived((details, callback) => {
    if (details.url.startsWith('file:') && (details.resourceType === 'mainFrame' || details.resourceType === 'subFrame')) {
      callback({ responseHeaders: withCsp(details.responseHeaders) });
    } else {
      callback({});
    }
  });
}

/** Response headers with the app's CSP added (any CSP already there is replaced). */
export function withCsp(headers: Record<string, string[]> | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() !== 'content-security-policy') out[name] = value;
  }
  out['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
  return out;
}
