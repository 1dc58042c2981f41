// A real build of the storefront (Vite, into a temporary directory) for the server's tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildStorefront, type BuildResult } from '../../src/build.ts';

export interface TestBuild extends BuildResult {
  /** The hashed JavaScript entry, e.g. `assets/index-abc123.js`. */
  entry: string;
  remove(): void;
}

export async function buildForTest(): Promise<TestBuild> {
  const outDir = mkdtempSync(path.join(tmpdir(), 'storefront-dist-'));
  const result = await buildStorefront(outDir, { quiet: true });
  const entry = result.files.find((f) => /^assets\/.+\.js$/.test(f.path))?.path;
  if (!entry) throw new Error(`no JavaScript entry in ${JSON.stringify(result.files)}`);
  return { ...result, entry, remove: () => rmSync(outDir, { recursive: true, force: true }) };
}
