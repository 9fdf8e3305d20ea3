/**
 * The renderer's Content Security Policy, in one place. renderer/index.html
 * carries the same text in its <meta> tag (the page must be safe even if it is
 * opened some other way); main adds it as a response header to the app's own
 * file:// page, and the browser-test bridge (main/ipc/ws-bridge.ts) sends it
 * with every file it serves. test/electron/csp.test.ts checks the three agree.
 *
 * Packet bytes come from the network, so: scripts only from the app's own
 * files (no inline script, no eval), nothing remote, no plugins, no frames,
 * no forms. Styles allow 'unsafe-inline' because Svelte and xterm.js set
 * element styles at run time; that cannot run script. connect-src allows the
 * bridge's WebSocket on 127.0.0.1 (any port: it is picked at run time).
 *
 * This module has no Electron import, so main/ipc may import it too.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self' ws://127.0.0.1:*; base-uri 'none'; form-action 'none'; object-src 'none'";

/** The policy's directives by name, e.g. `script-src` → [`'self'`]. */
export function cspDirectives(policy: string = CONTENT_SECURITY_POLICY): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) out.set(name.toLowerCase(), values);
  }
  return out;
}
