// Golden files: the builders' whole output, reviewed as YAML in pull requests. A mismatch fails;
// `UPDATE_GOLDEN=1` rewrites the files instead (and the diff is then reviewed like code).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { stringify } from 'yaml';

const GOLDEN_DIR = join(dirname(fileURLToPath(import.meta.url)), 'golden');

export function toYaml(data: unknown): string {
  return stringify(data, { aliasDuplicateObjects: false, lineWidth: 0, sortMapEntries: false });
}

export function expectGolden(name: string, data: unknown): void {
  const file = join(GOLDEN_DIR, `${name}.yaml`);
  const actual = toYaml(data);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(GOLDEN_DIR, { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file)) throw new Error(`golden file ${name}.yaml is missing: run the test with UPDATE_GOLDEN=1 and review it`);
  expect(actual, `output differs from golden/${name}.yaml (UPDATE_GOLDEN=1 rewrites it)`).toBe(readFileSync(file, 'utf8'));
}
