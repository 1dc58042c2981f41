// Every image `make images` builds, run the way a cluster runs it (podman: read-only root
// filesystem, /tmp a tmpfs, the image's own user and command, host network against the local
// infrastructure): it answers /readyz with its dependencies given, runs as the unprivileged uid,
// cannot write outside /tmp, has no shell, and exits 0 promptly on SIGTERM.
// One container at a time (two for loadgen, which needs a gateway): two shared cores.
import { chmodSync, copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyManifests,
  createTestDatabase,
  freePort,
  infraEnv,
  kubeconfigPath,
  repoRoot,
  uniqueName,
  waitFor,
  type TestDatabase,
} from '@shopwatch/testkit';
import { httpGet, imageName, podman, processUids, removeContainer, runImage, type RunningContainer } from './containers.ts';

const APP_UID = 10001;
const JWT_SECRET = 'images-test-secret-images-test-secret-0123456789';

const SERVICES = readdirSync(path.join(repoRoot(), 'services'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && readdirSync(path.join(entry.parentPath, entry.name)).includes('Dockerfile'))
  .map((entry) => entry.name)
  .sort();
const IMAGES = [...SERVICES, 'operator'];

/** Services that own a PostgreSQL database (each gets a fresh one, migrated by the service itself). */
const WITH_DATABASE = new Set(['users', 'catalog', 'inventory', 'payments', 'psp', 'orders', 'shipping', 'notifications', 'support', 'analytics']);
const DOMAINS = ['catalog', 'users', 'inventory', 'orders', 'payments', 'shipping', 'notifications', 'support', 'analytics'];

/**
 * Kafka as the services need it here: run-unique topic names and consumer group, and the
 * background workers (relays, consumers, topic creation) off, so nothing in these containers can
 * reach another test's messages. Readiness still needs the brokers where a service checks them.
 */
function kafkaEnv(service: string): Record<string, string> {
  const prefix = uniqueName(`images-${service}`);
  const env: Record<string, string> = {
    KAFKA_BROKERS: infraEnv().kafkaBrokers.join(','),
    COMMANDS_TOPIC: `${prefix}.commands`,
    EVENTS_TOPIC: `${prefix}.events`,
    CATALOG_VIEWS_TOPIC: `${prefix}.catalog.views`,
    DEAD_LETTER_TOPIC: `${prefix}.dead-letter`,
    CONSUMER_GROUP: `${prefix}-group`,
    OUTBOX_RELAY: 'false',
    COMMAND_CONSUMER: 'false',
    SAGA_CONSUMER: 'false',
    EVENT_CONSUMER: 'false',
    KAFKA_ENSURE_TOPICS: 'false',
  };
  for (const domain of DOMAINS) {
    env[`${domain.toUpperCase()}_COMMANDS_TOPIC`] = `${prefix}.${domain}.commands`;
    env[`${domain.toUpperCase()}_EVENTS_TOPIC`] = `${prefix}.${domain}.events`;
  }
  return env;
}

/** Each service's own settings beyond database and Kafka (URLs of peers it only calls later). */
function serviceEnv(service: string, peers: Record<string, string>): Record<string, string> {
  switch (service) {
    case 'gateway':
      return { REDIS_URL: infraEnv().redisUrl, RATE_LIMIT_KEY_PREFIX: `${uniqueName('images-rl')}:` };
    case 'loadgen':
      // Paused: readiness (the gateway answers) is what is tested, not load.
      return { GATEWAY_URL: peers['gateway'] ?? '', LOADGEN_PAUSED: 'true' };
    case 'payments':
      return { PSP_URL: 'http://127.0.0.1:9' };
    case 'orders':
      return { CATALOG_URL: 'http://127.0.0.1:9' };
    default:
      return {};
  }
}

/** The line each process logs once it listens (its JSON log, proving our server is what runs). */
const listeningMessage = (service: string) => (service === 'operator' ? 'operator starting' : `${service} listening`);

function loggedMessages(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .flatMap((line) => {
      try {
        const parsed = JSON.parse(line) as { msg?: unknown };
        return typeof parsed.msg === 'string' ? [parsed.msg] : [];
      } catch {
        return [];
      }
    });
}

async function exitCodeWithin(container: RunningContainer, timeoutMs: number): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${container.image} still running ${timeoutMs} ms after SIGTERM: ${container.output().slice(-2000)}`)), timeoutMs);
  });
  try {
    return await Promise.race([container.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Everything checked on one running container, then SIGTERM and its exit code. */
async function checkAndStop(service: string, container: RunningContainer): Promise<void> {
  const inspect = await podman(['inspect', '--format', '{{.State.Pid}} {{.HostConfig.ReadonlyRootfs}} {{.Config.User}}', container.name]);
  expect(inspect.code, inspect.stderr).toBe(0);
  const [pid, readOnly, user] = inspect.stdout.trim().split(' ');
  expect(readOnly).toBe('true');
  expect(user).toBe(`${APP_UID}:${APP_UID}`);
  // The process itself, seen from the host: every uid (real, effective, saved, fs) is the app's.
  expect(processUids(Number(pid))).toEqual([APP_UID, APP_UID, APP_UID, APP_UID]);

  // Inside: the root filesystem refuses writes, /tmp takes them.
  const probe = `const fs = require('node:fs'); const out = [];
for (const file of ['/app/probe', '/etc/probe', '/tmp/probe']) { try { fs.writeFileSync(file, 'x'); out.push('ok'); } catch (e) { out.push(e.code); } }
console.log(out.join(' '));`;
  const writes = await podman(['exec', container.name, 'node', '-e', probe]);
  expect(writes.code, writes.stderr).toBe(0);
  expect(writes.stdout.trim()).toBe('EROFS EROFS ok');

  // No shell to exec into.
  for (const shell of ['/bin/sh', '/bin/bash']) {
    const exec = await podman(['exec', container.name, shell, '-c', 'true']);
    expect(exec.code, `${shell} ran in ${container.image}`).not.toBe(0);
    expect(exec.stderr).toMatch(/no such file or directory|not found/i);
  }

  expect(loggedMessages(container.output())).toContain(listeningMessage(service));

  const kill = await podman(['kill', '--signal', 'TERM', container.name]);
  expect(kill.code, kill.stderr).toBe(0);
  // node is PID 1 and handles SIGTERM: graceful shutdown, exit 0 (not 143, not killed after a timeout).
  expect(await exitCodeWithin(container, 90_000)).toBe(0);
}

describe('images built by make images', () => {
  it('every service and the operator has an image', async () => {
    const missing: string[] = [];
    for (const name of IMAGES) if ((await podman(['image', 'exists', imageName(name)])).code !== 0) missing.push(imageName(name));
    expect(missing, 'run make images').toEqual([]);
    expect(IMAGES).toHaveLength(14);
  });

  for (const service of SERVICES.filter((s) => s !== 'loadgen')) {
    it(`${service}: ready with its dependencies, uid ${APP_UID}, read-only root, no shell, SIGTERM exits 0`, async () => {
      const name = uniqueName(`images-${service}`);
      let database: TestDatabase | undefined;
      try {
        const env: Record<string, string> = { HOST: '127.0.0.1', LOG_LEVEL: 'info', JWT_SECRET };
        if (WITH_DATABASE.has(service)) {
          database = await createTestDatabase(`images_${service}`);
          env['DATABASE_URL'] = database.url;
        }
        const port = await freePort();
        const container = await runImage({ service, name, port, env: { ...env, ...kafkaEnv(service), ...serviceEnv(service, {}), PORT: String(port) } });
        await checkAndStop(service, container);
      } finally {
        await removeContainer(name);
        await database?.drop();
      }
    }, 360_000);
  }

  it('loadgen: ready once its gateway answers, same checks', async () => {
    const gatewayName = uniqueName('images-gateway');
    const name = uniqueName('images-loadgen');
    try {
      const gatewayPort = await freePort();
      const gateway = await runImage({
        service: 'gateway',
        name: gatewayName,
        port: gatewayPort,
        env: { HOST: '127.0.0.1', JWT_SECRET, ...serviceEnv('gateway', {}), PORT: String(gatewayPort) },
      });
      const port = await freePort();
      const container = await runImage({
        service: 'loadgen',
        name,
        port,
        env: { HOST: '127.0.0.1', LOG_LEVEL: 'info', ...serviceEnv('loadgen', { gateway: gateway.url }), PORT: String(port) },
      });
      await checkAndStop('loadgen', container);
      await podman(['kill', '--signal', 'TERM', gatewayName]);
      expect(await exitCodeWithin(gateway, 90_000)).toBe(0);
    } finally {
      await removeContainer(name);
      await removeContainer(gatewayName);
    }
  }, 360_000);

  describe('operator', () => {
    let kubeconfigDir: string;
    let kubeconfig: string;

    beforeAll(async () => {
      // Its caches sync (readiness) once the ServiceObservability CRD is served.
      const crds = path.join(repoRoot(), 'charts/shopwatch-operator/crds');
      for (const file of readdirSync(crds).filter((f) => f.endsWith('.yaml'))) {
        await applyManifests(readFileSync(path.join(crds, file), 'utf8'), { force: true });
      }
      // The admin kubeconfig is private to root; the container's uid reads a copy of it.
      kubeconfigDir = mkdtempSync(path.join(tmpdir(), 'images-kubeconfig-'));
      kubeconfig = path.join(kubeconfigDir, 'kubeconfig');
      copyFileSync(kubeconfigPath(), kubeconfig);
      chmodSync(kubeconfig, 0o644);
    });

    afterAll(() => {
      if (kubeconfigDir) rmSync(kubeconfigDir, { recursive: true, force: true });
    });

    it(`operator: ready against the local API server, uid ${APP_UID}, read-only root, no shell, SIGTERM exits 0`, async () => {
      const name = uniqueName('images-operator');
      try {
        const port = await freePort();
        const container = await runImage({
          service: 'operator',
          name,
          port,
          mounts: { [kubeconfig]: '/etc/shopwatch/kubeconfig' },
          env: {
            KUBECONFIG: '/etc/shopwatch/kubeconfig',
            SHOPWATCH_PORT: String(port),
            SHOPWATCH_BIND_ADDRESS: '127.0.0.1',
            // A namespace of its own: it reconciles nothing another test owns.
            SHOPWATCH_NAMESPACES: uniqueName('images-op'),
          },
        });
        const ready = await waitFor('operator caches synced', async () => {
          const res = await httpGet(`${container.url}/readyz`);
          return res.status === 200 ? res.body : undefined;
        });
        expect(ready).toMatch(/synced/);
        await checkAndStop('operator', container);
      } finally {
        await removeContainer(name);
      }
    }, 360_000);
  });
});
