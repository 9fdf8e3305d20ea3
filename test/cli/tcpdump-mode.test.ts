/** `paquet read -T tcpdump`: tcpdump 4.99's own text (test/tcpdump/expected/, made by tcpdump) for the chat capture. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { REPO } from '../format/support.js';
import { buildCli, paquet } from './paquet-cli.js';

beforeAll(() => buildCli('tcpdump'), 120_000);

const CHAT = '../shared/captures/workerman-chat-7272.pcap';

for (const [flags, file] of [[[], 'chat.txt'], [['-A'], 'chat-A.txt'], [['-X'], 'chat-X.txt'], [['-e'], 'chat-e.txt'], [['-v'], 'chat-v.txt']] as const) {
  it(`-T tcpdump ${flags.join(' ')} prints what tcpdump -nn ${flags.join(' ')} prints`, async () => {
    const r = await paquet(['read', CHAT, '-T', 'tcpdump', '-n', ...flags]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(REPO, 'test/tcpdump/expected', file), 'utf8'));
  });
}

it('-T tcpdump --websocket shows the client frame of packet 23 unmasked', async () => {
  const r = await paquet(['read', CHAT, '-T', 'tcpdump', '--websocket', '-#']);
  const lines = r.stdout.split('\n');
  const at = lines.findIndex((l) => /^ {3}23 {2}/.test(l));
  expect(at).toBeGreaterThanOrEqual(0);
  expect(lines[at + 1]).toBe('    WebSocket Text [FIN] client→server: {"type":"say","to_client_id":"all","to_client_name":"所有人","content":"hi, all !"}');
});
