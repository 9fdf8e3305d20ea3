/**
 * `paquet read FILE -T tcpdump [-A|-X|-x] [-e] [-v] [-t...] [-#] [-S] [--nano] [--websocket]`:
 * the text `tcpdump -nn -r FILE` prints, from Paquet's dissection; `--websocket` adds each
 * WebSocket frame's unmasked payload under its packet. tcpdump's display flags overlap
 * tshark's (-x, -e, -v mean other things there), so they are read only in this mode.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTcpdumpState, parseTcpdumpFlags, type TcpdumpOptions } from '../../shared/tcpdump/index.js';

export interface TcpdumpArgs {
  /** The arguments left for the ordinary `read` parser (-r FILE, -c, -Y...). */
  readonly rest: string[];
  readonly options: TcpdumpOptions;
}

/** Null when the arguments do not ask for `-T tcpdump`. */
export function tcpdumpArgs(argv: readonly string[]): TcpdumpArgs | null {
  const args = [...argv];
  const at = args.findIndex((a, i) => (a === '-T' && args[i + 1] === 'tcpdump') || a === '-Ttcpdump');
  if (at < 0) return null;
  args.splice(at, args[at] === '-T' ? 2 : 1);
  const websocket = args.includes('--websocket');
  const { options, rest } = parseTcpdumpFlags(args.filter((a) => a !== '--websocket'));
  return {
    rest,
    options: { ...options, ...(websocket ? { websocket: true } : {}), state: createTcpdumpState(), interfaceName: interfaceNames() },
  };
}

/** SLL2's interface index as tcpdump names it: from this machine's interfaces (Linux), else unknown. */
function interfaceNames(): (index: number) => string | undefined {
  let names: Map<number, string> | undefined;
  return (index) => {
    if (!names) {
      names = new Map();
      try {
        for (const name of readdirSync('/sys/class/net')) {
          const n = Number(readFileSync(join('/sys/class/net', name, 'ifindex'), 'utf8').trim());
          if (Number.isInteger(n)) names.set(n, name);
        }
      } catch {
        // Not Linux: tcpdump itself then prints the index unnamed.
      }
    }
    return names.get(index);
  };
}
