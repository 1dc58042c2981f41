// Production build for images and benchmarks: turns workspaces' TypeScript into plain JavaScript
// with Node's own type stripper (the same transform Node applies when it runs .ts files), so the
// running service does not carry the TypeScript loader (~17 MB RSS per process).
//
//   node scripts/build/strip-types.ts <out-dir> <workspace-dir>...
//
// For each workspace: src/**/*.ts → src/**/*.js with relative `.ts` specifiers rewritten to `.js`,
// package.json `exports`/`scripts` pointing at the .js files, migrations copied as they are.
// Tests are not copied. Type stripping keeps line and column positions, so stack traces match.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { stripTypeScriptTypes } from 'node:module';
import path from 'node:path';

// Only relative specifiers are rewritten; package names never end in .ts.
const SPECIFIER = /((?:from|import)\s*\(?\s*['"])(\.{1,2}\/[^'"]+)\.ts(['"])/g;

export function toJavaScript(source: string): string {
  return stripTypeScriptTypes(source, { mode: 'strip' }).replace(SPECIFIER, '$1$2.js$3');
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

function rewriteManifest(text: string): string {
  const manifest = JSON.parse(text) as { exports?: Record<string, string>; scripts?: Record<string, string> };
  const js = (value: string) => value.replace(/\.ts\b/g, '.js');
  if (manifest.exports) manifest.exports = Object.fromEntries(Object.entries(manifest.exports).map(([k, v]) => [k, js(v)]));
  if (manifest.scripts) manifest.scripts = Object.fromEntries(Object.entries(manifest.scripts).map(([k, v]) => [k, js(v)]));
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

export function buildWorkspace(root: string, workspace: string, outDir: string): number {
  const from = path.join(root, workspace);
  const to = path.join(outDir, workspace);
  mkdirSync(to, { recursive: true });
  writeFileSync(path.join(to, 'package.json'), rewriteManifest(readFileSync(path.join(from, 'package.json'), 'utf8')));
  let files = 0;
  for (const file of walk(path.join(from, 'src'))) {
    const relative = path.relative(from, file);
    if (file.endsWith('.d.ts')) continue;
    const target = path.join(to, file.endsWith('.ts') ? relative.replace(/\.ts$/, '.js') : relative);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, file.endsWith('.ts') ? toJavaScript(readFileSync(file, 'utf8')) : readFileSync(file));
    files++;
  }
  if (existsSync(path.join(from, 'migrations'))) cpSync(path.join(from, 'migrations'), path.join(to, 'migrations'), { recursive: true });
  return files;
}

if (import.meta.main) {
  const [outDir, ...workspaces] = process.argv.slice(2);
  if (!outDir || workspaces.length === 0) {
    process.stderr.write('usage: node scripts/build/strip-types.ts <out-dir> <workspace-dir>...\n');
    process.exit(2);
  }
  const root = process.cwd();
  for (const workspace of workspaces) {
    const files = buildWorkspace(root, workspace, path.resolve(outDir));
    process.stdout.write(`strip-types: ${workspace}: ${files} file(s)\n`);
  }
}
