/**
 * The options of `paquet read`, parsed the way tshark's getopt reads them:
 * short options may be bundled (`-Vx`) and take their argument attached or
 * separate (`-c5`, `-c 5`, `-Tfields`), long ones as `--name value` or
 * `--name=value`. Mistakes give tshark's message and exit status 1.
 */
import { defaultFieldsOptions, fieldsOptionName, setFieldsOption, type FieldsOptions } from '../../shared/format/fields-output.js';
import { TIME_FORMATS, type TimeFormat } from '../../shared/format/summary.js';

export type OutputFormat = 'text' | 'fields' | 'json';

export interface ReadOptions {
  file: string;
  /** -V: the detail tree. */
  details: boolean;
  /** -x: the hex dump. */
  hex: boolean;
  /** -P: the summary line even with -V or -x. */
  summary: boolean;
  /** -Y: the display filter packets must pass to be printed. */
  displayFilter: string | undefined;
  /** -t: what the Time column shows. */
  timeFormat: TimeFormat;
  /** -c: stop after this many packets. */
  count: number | undefined;
  format: OutputFormat;
  fields: string[];
  fieldsOptions: FieldsOptions;
  /** --hexdump delimit | noascii | frames (all and ascii are the defaults). */
  hexDelimit: boolean;
  hexNoAscii: boolean;
  hexFramesOnly: boolean;
}

export class UsageError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Short options that take an argument. */
const WITH_ARGUMENT = new Set(['r', 'c', 'T', 'e', 'E', 't', 'Y']);
/** Short flags; -n, -l and -q change nothing in Paquet's output but are accepted as tshark accepts them. */
const FLAGS = new Set(['V', 'x', 'P', 'n', 'l', 'q']);
const LONG_WITH_ARGUMENT: Record<string, string> = { 'read-file': 'r', 'display-filter': 'Y', hexdump: 'hexdump' };
const FORMATS: readonly OutputFormat[] = ['text', 'fields', 'json'];

/** Parse the arguments after `read`. */
export function parseReadArgs(argv: readonly string[]): ReadOptions {
  const opts: ReadOptions = {
    file: '',
    details: false,
    hex: false,
    summary: false,
    count: undefined,
    timeFormat: 'r',
    displayFilter: undefined,
    format: 'text',
    fields: [],
    fieldsOptions: defaultFieldsOptions(),
    hexDelimit: false,
    hexNoAscii: false,
    hexFramesOnly: false,
  };
  const positional: string[] = [];
  let readFile: string | undefined;

  const apply = (name: string, value: string | undefined): void => {
    switch (name) {
      case 'V': opts.details = true; break;
      case 'x': opts.hex = true; break;
      case 'P': opts.summary = true; break;
      case 'n': case 'l': case 'q': break;
      case 'r': readFile = value!; break;
      case 'c': opts.count = packetCount(value!); break;
      case 't': opts.timeFormat = timeFormat(value!); break;
      case 'Y': opts.displayFilter = value!; break;
      case 'T': opts.format = outputFormat(value!); break;
      case 'e': opts.fields.push(value!); break;
      case 'E':
        if (!setFieldsOption(opts.fieldsOptions, value!)) {
          throw new UsageError(`"${fieldsOptionName(value!)}" is not a valid field output option=value pair.`);
        }
        break;
      case 'hexdump':
        // tshark: --hexdump implies -x; later choices override earlier ones within each pair.
        opts.hex = true;
        switch (value) {
          case 'all': opts.hexFramesOnly = false; break;
          case 'frames': opts.hexFramesOnly = true; break;
          case 'ascii': opts.hexNoAscii = false; opts.hexDelimit = false; break;
          case 'delimit': opts.hexNoAscii = false; opts.hexDelimit = true; break;
          case 'noascii': opts.hexNoAscii = true; opts.hexDelimit = false; break;
          default: throw new UsageError(`"${value}" is an invalid value for --hexdump <hexoption>`);
        }
        break;
    }
  };

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = arg.slice(2, eq < 0 ? undefined : eq);
      const short = LONG_WITH_ARGUMENT[name];
      if (!short) throw new UsageError(`unrecognized option: ${name}`);
      let value = eq < 0 ? undefined : arg.slice(eq + 1);
      if (value === undefined) {
        if (i + 1 >= argv.length) throw new UsageError(`option requires an argument: ${name}`);
        value = argv[++i]!;
      }
      apply(short, value);
      continue;
    }
    if (arg.length > 1 && arg.startsWith('-')) {
      for (let j = 1; j < arg.length; j++) {
        const c = arg[j]!;
        if (WITH_ARGUMENT.has(c)) {
          let value = arg.slice(j + 1);
          if (value === '') {
            if (i + 1 >= argv.length) throw new UsageError(`option requires an argument: ${c}`);
            value = argv[++i]!;
          }
          apply(c, value);
          break;
        }
        if (!FLAGS.has(c)) throw new UsageError(`unrecognized option: ${c}`);
        apply(c, undefined);
      }
      continue;
    }
    positional.push(arg);
  }

  if (positional.length > 1 || (positional.length === 1 && readFile !== undefined && readFile !== positional[0])) {
    throw new UsageError(`more than one capture file given: ${[readFile, ...positional].filter((p) => p !== undefined).join(', ')}`);
  }
  const file = readFile ?? positional[0];
  if (file === undefined) throw new UsageError('no capture file given (usage: paquet read FILE)');
  opts.file = file;

  if (opts.format === 'fields' && opts.fields.length === 0) {
    throw new UsageError('"-Tfields" was specified, but no fields were specified with "-e".');
  }
  if (opts.fields.length > 0 && opts.format === 'text') {
    throw new UsageError('Output fields were specified with "-e", but "-Tek, -Tfields, -Tjson or -Tpdml" was not specified.');
  }
  if (opts.hex && opts.format === 'fields') {
    throw new UsageError('Raw packet hex data can only be printed as text, PostScript, JSON, JSONRAW or EK JSON');
  }
  return opts;
}

/** tshark's checks on -c: a positive decimal number. */
function packetCount(text: string): number {
  if (!/^\s*[-+]?\d+$/.test(text)) throw new UsageError(`The specified packet count "${text}" isn't a decimal number`);
  const n = Number(text);
  if (n < 0) throw new UsageError(`The specified packet count "${text}" is a negative number`);
  if (n === 0) throw new UsageError('The specified packet count is zero');
  if (n > 0x7fffffff) throw new UsageError(`The specified packet count "${text}" is too large (greater than 2147483647)`);
  return n;
}

function timeFormat(text: string): TimeFormat {
  if ((TIME_FORMATS as readonly string[]).includes(text)) return text as TimeFormat;
  throw new UsageError(
    `Invalid time stamp type "${text}"; it must be one of:\n` +
      '\t"a"    for absolute\n' +
      '\t"ad"   for absolute with YYYY-MM-DD date\n' +
      '\t"adoy" for absolute with YYYY/DOY date\n' +
      '\t"d"    for delta\n' +
      '\t"dd"   for delta displayed\n' +
      '\t"e"    for epoch\n' +
      '\t"r"    for relative\n' +
      '\t"u"    for absolute UTC\n' +
      '\t"ud"   for absolute UTC with YYYY-MM-DD date\n' +
      '\t"udoy" for absolute UTC with YYYY/DOY date',
  );
}

function outputFormat(text: string): OutputFormat {
  if ((FORMATS as readonly string[]).includes(text)) return text as OutputFormat;
  throw new UsageError(
    `Invalid -T parameter "${text}"; it must be one of:\n` +
      '\t"fields"  The values of fields specified with the -e option, in a form\n' +
      '\t          specified by the -E option.\n' +
      '\t"json"    Packet Summary, an JSON-based format for the details\n' +
      '\t          summary information of a decoded packet. This information is\n' +
      '\t          equivalent to the packet details printed with the -V flag.\n' +
      '\t"text"    Text of a human-readable one-line summary of each of the\n' +
      '\t          packets, or a multi-line view of the details of each of the\n' +
      '\t          packets, depending on whether the -V flag was specified.\n' +
      '\t          This is the default.',
  );
}
