// Getting images into the real node's containerd, which runs them with pull policy Never: no
// registry is reachable here, so whatever a pod runs must have been built here and loaded.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './infra.ts';

const run = promisify(execFile);

/** The services charts/shopwatch deploys, one image each (`localhost/shopwatch/<name>:dev`). */
export const SHOP_SERVICES = ['gateway', 'users', 'catalog', 'inventory', 'orders', 'payments', 'psp', 'shipping', 'notifications', 'support', 'analytics', 'storefront', 'loadgen'] as const;

/** Copies images from podman's storage into the node's containerd (each one skipped when already there). */
export async function loadNodeImages(images: readonly string[], timeoutMs = 900_000): Promise<void> {
  const script = path.join(repoRoot(), 'scripts', 'node', 'load-images.sh');
  try {
    await run(script, images, { cwd: repoRoot(), timeout: timeoutMs });
  } catch (error) {
    const failure = error as { stderr?: string; message: string };
    throw new Error(`scripts/node/load-images.sh ${images.join(' ')} failed (run \`make images\` first?): ${failure.stderr || failure.message}`, {
      cause: error,
    });
  }
}

/**
 * Everything charts/shopwatch runs with values-local.yaml, in the node: the services' and the
 * operator's images from `make images`, and the stand-ins for PostgreSQL, Kafka and Redis, which
 * this builds first when they are not current (scripts/containers/test-infra-images.sh).
 * Returns the image names.
 */
export async function loadShopImages(): Promise<string[]> {
  const root = repoRoot();
  const kafkaVersion = (await run('bash', ['-c', '. scripts/infra/lib.sh && echo "$KAFKA_VERSION"'], { cwd: root })).stdout.trim();
  await run(path.join(root, 'scripts', 'containers', 'test-infra-images.sh'), [], { cwd: root, timeout: 900_000 });
  const images = [...SHOP_SERVICES, 'operator'].map((name) => `localhost/shopwatch/${name}:dev`);
  images.push('localhost/shopwatch/postgres-test:15', 'localhost/shopwatch/redis-test:7.0', `localhost/shopwatch/kafka-test:${kafkaVersion}`);
  await loadNodeImages(images);
  return images;
}
