// Bench helpers: the testkit's database and infra helpers, and a free loopback port.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
// eslint-disable-next-line shopwatch/no-cross-workspace-import -- scripts/build is plain TypeScript run by node, not a package; bench's tsconfig includes it
import { buildWorkspace } from '../../scripts/build/strip-types.ts';
export { createTestDatabase, freePort as freePortFor, infraEnv, spawnService, type ServiceProcess } from '@shopwatch/testkit';

/**
 * The production build of services (what their images run): workspaces stripped to JavaScript by
 * scripts/build/strip-types.ts into a temporary tree whose node_modules point at this checkout's
 * installed packages (and at the built workspaces for @shopwatch/*).
 */
export function buildProductionTree(root: string, services: string[] = ['catalog']): string {
  const out = mkdtempSync(path.join(tmpdir(), 'shopwatch-build-'));
  const workspaces = ['services/platform', 'services/contracts', ...services.map((s) => `services/${s}`)];
  for (const workspace of workspaces) buildWorkspace(root, workspace, out);
  mkdirSync(path.join(out, 'node_modules', '@shopwatch'), { recursive: true });
  for (const entry of readdirSync(path.join(root, 'node_modules'))) {
    if (entry === '@shopwatch') continue;
    symlinkSync(path.join(root, 'node_modules', entry), path.join(out, 'node_modules', entry));
  }
  for (const workspace of workspaces) {
    symlinkSync(path.join(out, workspace), path.join(out, 'node_modules', '@shopwatch', path.basename(workspace)));
    const nested = path.join(root, workspace, 'node_modules');
    if (existsSync(nested)) symlinkSync(nested, path.join(out, workspace, 'node_modules'));
  }
  return out;
}
