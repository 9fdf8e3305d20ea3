/**
 * -T json against tshark without the dissectors: each document's layers are
 * rebuilt as a tree from tshark's own JSON, and packetJson must write it
 * back byte for byte (key order, repeated keys, `_tree` subtrees, empty
 * values, escaping, indentation, the array around documents, the index name).
 * -T json -e is rebuilt from the -T fields occurrences.
 */
import { describe, expect, it } from 'vitest';
import { JsonArray, jsonString, packetJson, packetJsonFields } from '../../shared/format/json-output.js';
import {
  CAPTURES, FIELD_SETS, expected, fakeDissected, jsonLayers, packetFromOccurrences, records, treeFromJson, tsharkColumns, tsharkOccurrences,
} from './support.js';

describe('-T json layout', () => {
  for (const c of CAPTURES) {
    it(`writes tshark's documents back as tshark does: ${c.slug}`, () => {
      const text = expected(c.slug, 'json.json');
      const recs = records(c.path);
      const array = new JsonArray();
      let out = '';
      jsonLayers(text).forEach((layers, i) => {
        out += array.item(packetJson(fakeDissected(treeFromJson(layers), i + 1, recs[i]!.tsSec)));
      });
      out += array.end();
      expect(out).toBe(text);
    });

    it(`writes -T json -e documents as tshark does: ${c.slug}`, () => {
      const fields = FIELD_SETS[c.fieldSet]!;
      const recs = records(c.path);
      const columns = tsharkColumns(c.slug);
      const array = new JsonArray();
      let out = '';
      tsharkOccurrences(c.slug, fields).forEach((occ, i) => {
        out += array.item(packetJsonFields(packetFromOccurrences(fields, occ, i + 1, recs[i]!.tsSec), fields, columns[i]!));
      });
      out += array.end();
      expect(out).toBe(expected(c.slug, 'fields-json.json'));
    });
  }

  it('escapes strings as JSON.parse reads them back', () => {
    const s = 'a"b\\c\r\n\t\u0001\u001f\u007f é →';
    expect(JSON.parse(jsonString(s))).toBe(s);
  });
});
