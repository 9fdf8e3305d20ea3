/**
 * -T fields against tshark without the dissectors: packets are rebuilt from
 * every occurrence tshark found of each field (fields-raw.txt) and from its
 * column values, then FieldsPrinter must print what tshark printed under
 * each -E combination (header, separator, occurrence, aggregator, quote, bom).
 */
import { describe, expect, it } from 'vitest';
import { Registry } from '../../shared/dissect/registry.js';
import { protocol } from '../../shared/dissect/registry.js';
import {
  defaultFieldsOptions, FieldsPrinter, invalidFields, invalidFieldsMessage, setFieldsOption,
} from '../../shared/format/fields-output.js';
import { CAPTURES, ERROR_CASES, FIELD_SETS, OPTION_VARIANTS, expected, lines, packetFromOccurrences, tsharkColumns, tsharkOccurrences } from './support.js';
import errors from '../cli/expected/errors.json' with { type: 'json' };

describe('-T fields output options', () => {
  for (const c of CAPTURES) {
    const fields = FIELD_SETS[c.fieldSet]!;
    for (const v of OPTION_VARIANTS) {
      it(`prints as tshark -E ${v.options.join(' -E ') || '(defaults)'}: ${c.slug}`, () => {
        const options = defaultFieldsOptions();
        for (const o of v.options) expect(setFieldsOption(options, o)).toBe(true);
        const printer = new FieldsPrinter(fields, options);
        const occurrences = tsharkOccurrences(c.slug, fields);
        const columns = tsharkColumns(c.slug);
        let out = printer.preamble();
        occurrences.forEach((occ, i) => {
          out += printer.line(packetFromOccurrences(fields, occ, i + 1), columns[i]!) + '\n';
        });
        expect(out).toBe(expected(c.slug, `options/${v.slug}.txt`));
      });
    }
  }

  it('the cases include fields with several occurrences and fields absent from some packets', () => {
    const occ = tsharkOccurrences('chat', FIELD_SETS.chat!);
    expect(occ.some((p) => p.some((f) => f.length > 1))).toBe(true);
    expect(occ.some((p) => p.some((f) => f.length === 0))).toBe(true);
  });
});

describe('-E and -e mistakes', () => {
  const byName = (name: string) => (errors as { name: string; stderr: string; status: number }[]).find((e) => e.name === name)!;

  it('rejects the -E assignments tshark rejects', () => {
    for (const name of ['bad -E', 'bad -E value']) {
      const c = ERROR_CASES.find((e) => e.name === name)!;
      const assignment = c.args[c.args.indexOf('-E') + 1]!;
      expect(setFieldsOption(defaultFieldsOptions(), assignment)).toBe(false);
      expect(byName(name).status).toBe(1);
    }
    for (const bad of ['header=x', 'quote=x', 'separator=', 'occurrence=', 'nosuch']) {
      expect(setFieldsOption(defaultFieldsOptions(), bad)).toBe(false);
    }
  });

  it('lists unknown field names as tshark does (last given first)', () => {
    const c = ERROR_CASES.find((e) => e.name === 'unknown fields')!;
    const names = c.args.filter((_, i) => c.args[i - 1] === '-e');
    const r = new Registry();
    r.addProtocol(protocol('frame', 'Frame', 'Frame'), [{ abbrev: 'frame.number', name: 'Frame Number', type: 'uint32' }]);
    const bad = invalidFields(names, r);
    expect(invalidFieldsMessage('tshark', bad)).toBe(byName('unknown fields').stderr);
  });

  it('accepts any _ws.col. name, as tshark does', () => {
    expect(invalidFields(['_ws.col.Info', '_ws.col.whatever'], new Registry())).toEqual([]);
  });
});

describe('header line', () => {
  it('is the field names joined by the separator, unquoted', () => {
    const fields = FIELD_SETS.chat!;
    const header = lines(expected('chat', 'options/quote-double.txt'))[0];
    const options = defaultFieldsOptions();
    setFieldsOption(options, 'quote=d');
    setFieldsOption(options, 'header=y');
    expect(new FieldsPrinter(fields, options).preamble()).toBe(header + '\n');
  });
});
