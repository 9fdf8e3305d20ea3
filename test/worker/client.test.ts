/** DecoderClient's promises when its worker goes away: nothing ever hangs. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DecoderError } from '../../main/worker/decoder-api.js';
import { DecoderClient, workerScript } from '../../main/worker/decoder-client.js';
import { CHAT, TMP, workerDecoder } from './harness.js';

async function failure(p: Promise<unknown>): Promise<DecoderError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DecoderError) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
}

describe('DecoderClient', () => {
  it('runs the compiled worker under dist/ when it runs from its TypeScript source', () => {
    expect(workerScript().pathname).toMatch(/\/dist\/main\/worker\/decode-worker\.js$/);
  });

  it('terminate rejects the calls in flight and every later one', async () => {
    const d = workerDecoder();
    const pending = failure(d.open(CHAT, { follow: false }));
    await d.terminate();
    const e = await pending;
    expect(e.code).toBe('internal');
    expect(e.message).toMatch(/stopped/);
    expect((await failure(d.rows(0, 1))).code).toBe('internal');
  });

  it('a worker that dies rejects what was waiting on it, with its exit code', async () => {
    const dir = join(TMP, 'client');
    mkdirSync(dir, { recursive: true });
    const script = join(dir, 'dying-worker.mjs');
    // Answers nothing, and exits when asked for the counts.
    writeFileSync(script, `import { parentPort } from 'node:worker_threads';
parentPort.on('message', (m) => { if (m.method === 'counts') process.exit(3); });
`);
    const d = DecoderClient.start(pathToFileURL(script));
    const waiting = failure(d.rows(0, 10));
    const dying = failure(d.counts());
    for (const p of [waiting, dying]) {
      const e = await p;
      expect(e.code).toBe('internal');
      expect(e.message).toMatch(/exit code 3/);
    }
    expect((await failure(d.detail(1))).message).toMatch(/exit code 3/);
    await d.terminate();
  });

  it('a worker that throws while starting fails the calls too', async () => {
    const dir = join(TMP, 'client');
    mkdirSync(dir, { recursive: true });
    const script = join(dir, 'broken-worker.mjs');
    writeFileSync(script, `throw new Error('cannot start');\n`);
    const d = DecoderClient.start(pathToFileURL(script));
    const e = await failure(d.counts());
    expect(e.code).toBe('internal');
    expect(e.message).toMatch(/cannot start|exit code 1/);
    await d.terminate();
  });
});
