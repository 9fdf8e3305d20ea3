// The corpus captures listed by expected/index.json, for tests that walk all of them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const repoRoot = new URL('../../', import.meta.url).pathname;
export const expectedDir = join(repoRoot, 'test', 'capture', 'expected');

export interface ExpectedEntry { file: string; tsv: string; exit: number; error: string; frames: number; fileType: string }

export const expectedIndex = JSON.parse(readFileSync(join(expectedDir, 'index.json'), 'utf8')) as {
  fields: string[];
  files: ExpectedEntry[];
};

export const corpusPath = (e: ExpectedEntry) => join(repoRoot, e.file);
export const shortName = (e: ExpectedEntry) => e.file.replace('../shared/', '');
