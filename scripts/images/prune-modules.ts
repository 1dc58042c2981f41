// Deletes from installed node_modules what nothing reads at run time: type declarations, source
// maps and Markdown. Used by the Dockerfiles' dependency stage after `npm ci --omit=dev`.
//   node scripts/images/prune-modules.ts <dir>...
// Why: those files are half of a service's production dependencies (OpenTelemetry and Fastify
// ship .d.ts/.d.mts/.d.cts and maps for every build flavour): 94 MB → 48 MB for catalog. Nothing
// else is removed; licences stay. Written as a plain Node script so the build stage needs no shell.
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

/** Files no production process opens (no --enable-source-maps in our images). */
export const PRUNABLE = /(\.d\.[cm]?ts|\.d\.[cm]?ts\.map|\.[cm]?js\.map|\.md|\.markdown)$/i;

/** Every node_modules directory under `root`, the nested ones of workspaces included. */
function nodeModulesDirs(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name === 'node_modules')
    .map((entry) => path.join(entry.parentPath, entry.name))
    // Nested node_modules inside another are covered by the walk of the outer one.
    .filter((dir) => !path.relative(root, dir).split(path.sep).slice(0, -1).includes('node_modules'));
}

/** Deletes the prunable files under every node_modules of `root`; returns how many. */
export function pruneModules(root: string): number {
  let files = 0;
  for (const dir of nodeModulesDirs(root)) {
    for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !PRUNABLE.test(entry.name)) continue;
      rmSync(path.join(entry.parentPath, entry.name));
      files++;
    }
  }
  return files;
}

if (import.meta.main) {
  const roots = process.argv.slice(2);
  if (roots.length === 0) {
    process.stderr.write('usage: node scripts/images/prune-modules.ts <dir>...\n');
    process.exit(2);
  }
  for (const root of roots) process.stdout.write(`prune-modules: ${root}: ${pruneModules(root)} file(s) removed\n`);
}
