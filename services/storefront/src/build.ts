// Builds the browser app (web/) with Vite into a directory (default: dist/), then writes gzip and
// brotli siblings of every text file so the server can send them precompressed. Used by the
// Dockerfile's build stage, by `make dev` when dist/ is missing, and by the tests.
//   node services/storefront/src/build.ts [outDir]
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

const WEB_DIR = fileURLToPath(new URL('../web', import.meta.url));
/** Where the server looks by default (config.ts's DIST_DIR default). */
const DEFAULT_DIST_DIR = fileURLToPath(new URL('../dist', import.meta.url));
const COMPRESSIBLE = /\.(js|css|html|svg|json|txt|map)$/;
const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

export interface BuiltFile {
  path: string;
  bytes: number;
  gzipBytes: number;
  brotliBytes: number;
}

export interface BuildResult {
  outDir: string;
  files: BuiltFile[];
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

export async function buildStorefront(outDir: string = DEFAULT_DIST_DIR, options: { quiet?: boolean } = {}): Promise<BuildResult> {
  // Loaded here, not at import: the running server never needs the bundler.
  const { build } = await import('vite');
  await build({
    root: WEB_DIR,
    configFile: false,
    // Always the production build of React and friends: a NODE_ENV inherited from the caller
    // (vitest sets `test`) would otherwise select their development builds.
    mode: 'production',
    define: { 'process.env.NODE_ENV': JSON.stringify('production') },
    base: '/',
    logLevel: options.quiet ? 'warn' : 'info',
    oxc: { jsx: { runtime: 'automatic', development: false } },
    build: { outDir, emptyOutDir: true, assetsDir: 'assets', sourcemap: false, minify: true, target: 'es2022', reportCompressedSize: !options.quiet },
  });
  const files: BuiltFile[] = [];
  for (const file of await listFiles(outDir)) {
    if (!COMPRESSIBLE.test(file)) {
      files.push({ path: relative(outDir, file), bytes: (await stat(file)).size, gzipBytes: 0, brotliBytes: 0 });
      continue;
    }
    const content = await readFile(file);
    const gz = await gzipAsync(content, { level: 9 });
    const br = await brotliAsync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: content.length } });
    await writeFile(`${file}.gz`, gz);
    await writeFile(`${file}.br`, br);
    files.push({ path: relative(outDir, file), bytes: content.length, gzipBytes: gz.length, brotliBytes: br.length });
  }
  return { outDir, files };
}

if (import.meta.main) {
  const result = await buildStorefront(process.argv[2] ?? DEFAULT_DIST_DIR, { quiet: true });
  const total = result.files.reduce((sum, f) => ({ bytes: sum.bytes + f.bytes, gzip: sum.gzip + f.gzipBytes }), { bytes: 0, gzip: 0 });
  for (const f of result.files) console.log(`${f.path}\t${f.bytes} B\tgzip ${f.gzipBytes} B\tbrotli ${f.brotliBytes} B`);
  console.log(`storefront built into ${result.outDir}: ${result.files.length} files, ${total.bytes} B, ${total.gzip} B gzip`);
}
