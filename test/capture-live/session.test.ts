/** The supervisor's stop: SIGTERM first, SIGKILL after the grace period (no capture needed). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CaptureSession } from '../../main/capture/supervisor.js';

const dir = mkdtempSync(join(tmpdir(), 'paquet-session-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('CaptureSession.stop', () => {
  it('sends SIGTERM, then SIGKILL once the grace period is over', async () => {
    // A stand-in for the capture program that ignores SIGTERM.
    const fake = join(dir, 'stubborn.sh');
    writeFileSync(
      fake,
      `#!/bin/sh\ntrap '' TERM\necho '{"event":"started","interface":"lo","file":"/nowhere","linktype":1,"snaplen":262144,"precision":"micro","promiscuous":true,"pid":1}'\nexec sleep 30\n`,
      { mode: 0o755 },
    );
    const session = new CaptureSession(fake, []);
    expect((await session.started).interface).toBe('lo');
    const t0 = Date.now();
    const result = await session.stop(300);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    expect(result.signal).toBe('SIGKILL');
    expect(result.stopped).toBeUndefined();
    expect(result.errors[0]?.code).toBe('crashed');
    expect(result.errors[0]?.message).toMatch(/killed by SIGKILL/);
  });
});
