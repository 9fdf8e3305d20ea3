// Paquet's capture reader against what tshark 4.0 reads from the same corpus files
// (expected/ is written by generate-expected.mjs; no tshark is needed here).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { corpusPath, expectedDir, expectedIndex, shortName } from './corpus-files.js';
import { expectLikeTshark } from './tshark-compare.js';

/** Reviewed differences from tshark 4.0, compared on their first frames only (see the final report). */
const COMPARE_FIRST_FRAMES_ONLY: Record<string, number> = {};

describe('capture reader matches tshark on the corpus', () => {
  for (const e of expectedIndex.files) {
    it(shortName(e), () => {
      const bytes = new Uint8Array(readFileSync(corpusPath(e)));
      const tsv = readFileSync(join(expectedDir, e.tsv), 'utf8');
      expectLikeTshark(bytes, expectedIndex.fields, tsv, e, COMPARE_FIRST_FRAMES_ONLY[shortName(e)]);
    });
  }
});
