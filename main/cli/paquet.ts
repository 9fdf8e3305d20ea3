#!/usr/bin/env node
/**
 * The `paquet` command. `paquet read FILE [options]` prints a capture the
 * way `tshark -r FILE [options]` does; `paquet -r FILE ...` is accepted too.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCapture } from './capture.js';
import { PROGRAM, runRead } from './read.js';

const HELP = `Usage: paquet read FILE [options]
       paquet read -r FILE [options]
       paquet capture [options]     (live capture; "paquet capture -h" for its options)

Print a capture file (pcap, pcapng, gzip of either) as tshark 4.0 does.

Options:
  -r, --read-file FILE     the capture file to read
  -V                       print the packet details tree
  -x                       print a hex and ASCII dump of each data source
  -P                       print the summary line even with -V or -x
  -c N                     stop after N packets (read, shown or not)
  -Y, --display-filter F   print only packets that pass display filter F
  -t a|ad|adoy|d|dd|e|r|u|ud|udoy
                           format of the Time column (default r: since the
                           first packet)
  -T text|fields|json      output format (default: text)
  -e FIELD                 with -T fields or -T json: a field to print
                           (repeatable; _ws.col.Info etc. give the columns)
  -E OPTION=VALUE          with -T fields: header=y|n, separator=/t|/s|C,
                           occurrence=f|l|a, aggregator=,|/s|C, quote=d|s|n,
                           bom=y|n
  --hexdump delimit        with -x: put | around the ASCII column
  -n                       no name resolution (Paquet never resolves names)
  -h, --help               show this help and exit
  -v, --version            show the version and exit
`;

function version(): string {
  // The package.json that owns this file, whether run from the sources or from dist/.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'paquet' && pkg.version) return pkg.version;
    } catch {
      // not here; look one level up
    }
    dir = dirname(dir);
  }
  return 'unknown';
}

export async function main(argv: readonly string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    process.stderr.write(`${PROGRAM}: no command given; run "paquet --help"\n`);
    return 1;
  }
  if (first === '-h' || first === '--help' || first === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  if (first === '-v' || first === '--version') {
    process.stdout.write(`Paquet ${version()}\n`);
    return 0;
  }
  if (first === 'read') {
    if (rest.includes('-h') || rest.includes('--help')) {
      process.stdout.write(HELP);
      return 0;
    }
    return runRead(rest, process.stdout, process.stderr);
  }
  if (first === 'capture') return runCapture(rest, { stdout: process.stdout, stderr: process.stderr });
  if (first.startsWith('-')) return runRead(argv, process.stdout, process.stderr);
  process.stderr.write(`${PROGRAM}: unknown command "${first}"; run "paquet --help"\n`);
  return 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`${PROGRAM}: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exitCode = 70;
  },
);
