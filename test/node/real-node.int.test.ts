// The real node of the local cluster (scripts/node): containers really run there. The catalog
// image from `make images` is deployed into a namespace enforcing Pod Security "restricted",
// with its database on the local PostgreSQL (reached through the node IP), and must behave as on
// any Kubernetes node: Available through its real readiness probe, found through CoreDNS by a
// Service name, reachable with `kubectl port-forward`, its JSON logs in `kubectl logs`, replaced
// when its pod is deleted. A pod whose image is not on the node never runs.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { V1Pod } from '@kubernetes/client-node';
import {
  REAL_NODE_IP,
  REAL_NODE_NAME,
  api,
  apply,
  createTestDatabase,
  infraEnv,
  kube,
  kubectl,
  portForward,
  realNodeEnabled,
  urlForPods,
  useNamespace,
  waitFor,
  waitForDeploymentAvailable,
} from '@shopwatch/testkit';
import type { TestDatabase } from '@shopwatch/testkit';
import { CATALOG_IMAGE, RESTRICTED, catalogDeployment, catalogService, loadImages, missingImagePod, scriptPod } from './workloads.ts';

const ns = useNamespace('real-node', { labels: RESTRICTED });

async function catalogPods(): Promise<V1Pod[]> {
  const pods = await api(kube().core.listNamespacedPod({ namespace: ns.name, labelSelector: 'app=catalog' }));
  return pods.items.filter((p) => !p.metadata?.deletionTimestamp);
}

function isReady(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
}

/** Waits for a pod that ran to completion and returns its phase and log. */
async function finishedPod(name: string): Promise<{ phase: string; log: string }> {
  const pod = await waitFor(
    `pod ${name} finished`,
    async () => {
      const p = await api(kube().core.readNamespacedPod({ namespace: ns.name, name }));
      const phase = p.status?.phase ?? 'Unknown';
      if (phase === 'Succeeded' || phase === 'Failed') return p;
      throw new Error(`phase ${phase}: ${JSON.stringify(p.status?.containerStatuses?.[0]?.state ?? {})}`);
    },
    { timeoutMs: 90_000, intervalMs: 500 },
  );
  const log = await kubectl(['logs', '-n', ns.name, name]);
  return { phase: pod.status?.phase ?? 'Unknown', log: log.stdout };
}

describe.skipIf(!realNodeEnabled())('the real node', () => {
  let database: TestDatabase | undefined;

  beforeAll(async () => {
    await loadImages(CATALOG_IMAGE);
    database = await createTestDatabase('realnode');
    await apply(
      catalogDeployment({
        DATABASE_URL: urlForPods(database.url),
        // Required by the configuration, never dialled: with the outbox relay off catalog opens
        // no Kafka connection (the local broker advertises a loopback address pods cannot use).
        KAFKA_BROKERS: `${REAL_NODE_IP}:59092`,
        OUTBOX_RELAY: 'false',
        JWT_SECRET: randomBytes(32).toString('hex'),
        LOG_LEVEL: 'info',
      }),
      { namespace: ns.name },
    );
    await apply(catalogService(), { namespace: ns.name });
  }, 300_000);

  afterAll(async () => {
    // The namespace goes first (useNamespace), so no pod holds a connection when the database is dropped.
    await kubectl(['delete', 'deployment', 'catalog', '-n', ns.name, '--wait=true', '--timeout=60s'], { allowFailure: true });
    await database?.drop();
  }, 120_000);

  it('runs catalog on the real node until Available through its readiness probe', async () => {
    await waitForDeploymentAvailable(ns.name, 'catalog', { timeoutMs: 240_000, intervalMs: 1_000 });
    const [pod] = await catalogPods();
    expect(pod?.spec?.nodeName).toBe(REAL_NODE_NAME);
    expect(pod?.status?.podIP).toMatch(/^10\.245\.0\.\d+$/);
    const status = pod?.status?.containerStatuses?.[0];
    expect(status?.state?.running).toBeDefined();
    expect(status?.containerID).toMatch(/^containerd:\/\//);
    // The process in the pod answers on the pod IP: the readiness the probe saw is catalog's own.
    const readyz = await waitFor(
      'catalog /readyz on its pod IP answering 200',
      async () => {
        const response = await fetch(`http://${pod?.status?.podIP}:8080/readyz`, { signal: AbortSignal.timeout(10_000) });
        if (response.status === 200) return response.status;
        throw new Error(`status ${response.status}: ${await response.text()}`);
      },
      { timeoutMs: 60_000, intervalMs: 1_000 },
    );
    expect(readyz).toBe(200);
  }, 300_000);

  it('resolves the Service name through CoreDNS from another pod, which gets an answer', async () => {
    await waitForDeploymentAvailable(ns.name, 'catalog', { timeoutMs: 120_000, intervalMs: 1_000 });
    const service = await api(kube().core.readNamespacedService({ namespace: ns.name, name: 'catalog' }));
    const script = `
      import { lookup } from 'node:dns/promises';
      // Tries for up to 60 s: on a loaded machine kube-proxy may program a new Service a moment late.
      const deadline = Date.now() + 60000;
      for (;;) {
        try {
          const short = await lookup('catalog');
          const full = await lookup('catalog.${ns.name}.svc.cluster.local');
          const response = await fetch('http://catalog:8080/livez', { signal: AbortSignal.timeout(20000) });
          console.log(JSON.stringify({ short: short.address, full: full.address, status: response.status }));
          break;
        } catch (error) {
          if (Date.now() > deadline) throw error;
          console.error('retrying: ' + error.message);
          await new Promise((resolve) => setTimeout(resolve, 1000));
        }
      }
    `;
    // A new pod per attempt: a retried test must not read the finished pod of the first one.
    const name = `dns-client-${randomBytes(3).toString('hex')}`;
    await apply(scriptPod(name, script), { namespace: ns.name });
    const { phase, log } = await finishedPod(name);
    expect(phase, log).toBe('Succeeded');
    const answer = JSON.parse(log.trim().split('\n').at(-1) ?? '{}') as { short?: string; full?: string; status?: number };
    expect(answer).toEqual({ short: service.spec?.clusterIP, full: service.spec?.clusterIP, status: 200 });
  }, 180_000);

  it('lets pods reach the local Redis through the node IP', async () => {
    const redis = new URL(urlForPods(infraEnv().redisUrl));
    const script = `
      import { connect } from 'node:net';
      const reply = await new Promise((resolve, reject) => {
        const socket = connect(${Number(redis.port)}, '${redis.hostname}', () => socket.write('PING\\r\\n'));
        socket.setTimeout(20000, () => reject(new Error('no reply within 20 s')));
        socket.once('data', (data) => { resolve(String(data).trim()); socket.end(); });
        socket.once('error', reject);
      });
      console.log(JSON.stringify({ reply }));
    `;
    const name = `redis-client-${randomBytes(3).toString('hex')}`;
    await apply(scriptPod(name, script), { namespace: ns.name });
    const { phase, log } = await finishedPod(name);
    expect(phase, log).toBe('Succeeded');
    expect(JSON.parse(log.trim().split('\n').at(-1) ?? '{}')).toEqual({ reply: '+PONG' });
  }, 180_000);

  it('is reachable through kubectl port-forward', async () => {
    await waitForDeploymentAvailable(ns.name, 'catalog', { timeoutMs: 120_000, intervalMs: 1_000 });
    const forward = await portForward(ns.name, 'svc/catalog', 8080);
    try {
      const products = await waitFor(
        'GET /products through port-forward',
        async () => {
          const response = await fetch(`http://127.0.0.1:${forward.localPort}/products`, { signal: AbortSignal.timeout(10_000) });
          if (response.status !== 200) throw new Error(`status ${response.status}`);
          return (await response.json()) as { items?: unknown };
        },
        { timeoutMs: 30_000, intervalMs: 500 },
      );
      expect(Array.isArray(products.items)).toBe(true);
    } finally {
      await forward.close();
    }
  }, 120_000);

  it('shows its JSON log lines in kubectl logs', async () => {
    const { stdout } = await kubectl(['logs', '-n', ns.name, 'deployment/catalog', '--tail=200']);
    const lines = stdout.split('\n').filter((line) => line.trim() !== '');
    expect(lines.length).toBeGreaterThan(0);
    const parsed = lines.map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        return undefined;
      }
    });
    // Every line is one JSON object (pino), with its level and time.
    expect(parsed.filter((entry) => entry === undefined), stdout).toHaveLength(0);
    for (const entry of parsed) {
      expect(typeof entry?.level, JSON.stringify(entry)).not.toBe('undefined');
      expect(typeof entry?.time, JSON.stringify(entry)).not.toBe('undefined');
    }
  }, 60_000);

  it('replaces a deleted pod with a new one that becomes Ready', async () => {
    await waitForDeploymentAvailable(ns.name, 'catalog', { timeoutMs: 120_000, intervalMs: 1_000 });
    const [old] = await catalogPods();
    const oldName = old?.metadata?.name;
    expect(oldName).toBeDefined();
    await api(kube().core.deleteNamespacedPod({ namespace: ns.name, name: oldName!, gracePeriodSeconds: 5 }));
    const replacement = await waitFor(
      'a Ready replacement catalog pod on the real node',
      async () => {
        const pods = await catalogPods();
        const ready = pods.find((p) => p.metadata?.name !== oldName && isReady(p));
        if (ready) return ready;
        throw new Error(pods.map((p) => `${p.metadata?.name}: ${p.status?.phase} ready=${isReady(p)}`).join('; ') || 'no pods');
      },
      { timeoutMs: 180_000, intervalMs: 1_000 },
    );
    expect(replacement.spec?.nodeName).toBe(REAL_NODE_NAME);
    await waitForDeploymentAvailable(ns.name, 'catalog', { timeoutMs: 120_000, intervalMs: 1_000 });
  }, 300_000);

  it('never runs a pod whose image is not on the node (ErrImageNeverPull, ImagePullBackOff)', async () => {
    const tag = randomBytes(4).toString('hex');
    await apply(missingImagePod('never-pull', `localhost/shopwatch/no-such-image:${tag}`, 'Never'), { namespace: ns.name });
    // A public registry is blackholed on the node: trying to pull fails, it never downloads.
    await apply(missingImagePod('pull', `docker.io/library/shopwatch-no-such-image:${tag}`, 'IfNotPresent'), { namespace: ns.name });
    const reasonOf = async (name: string, wanted: readonly string[]) =>
      waitFor(
        `pod ${name} waiting with one of ${wanted.join(', ')}`,
        async () => {
          const pod = await api(kube().core.readNamespacedPod({ namespace: ns.name, name }));
          const state = pod.status?.containerStatuses?.[0]?.state;
          if (state?.running || state?.terminated) throw new Error(`it ran: ${JSON.stringify(state)}`);
          const reason = state?.waiting?.reason;
          if (reason && wanted.includes(reason)) return { reason, phase: pod.status?.phase, node: pod.spec?.nodeName };
          throw new Error(`phase ${pod.status?.phase}, waiting: ${JSON.stringify(state?.waiting ?? {})}`);
        },
        { timeoutMs: 90_000, intervalMs: 500 },
      );
    expect(await reasonOf('never-pull', ['ErrImageNeverPull'])).toEqual({ reason: 'ErrImageNeverPull', phase: 'Pending', node: REAL_NODE_NAME });
    const pulled = await reasonOf('pull', ['ErrImagePull', 'ImagePullBackOff']);
    expect(pulled.phase).toBe('Pending');
    expect(pulled.node).toBe(REAL_NODE_NAME);
    // The pull was tried against the blackhole (scripts/node/up.sh), not the registry.
    const blackholed = await waitFor(
      'a Failed event of pod pull naming the blackhole 127.0.0.1:9',
      async () => {
        const events = await api(
          kube().core.listNamespacedEvent({ namespace: ns.name, fieldSelector: 'involvedObject.name=pull,reason=Failed' }),
        );
        const messages = events.items.map((e) => e.message ?? '');
        const found = messages.find((m) => m.includes('127.0.0.1:9'));
        if (found) return found;
        throw new Error(messages.length > 0 ? messages.join('\n') : 'no Failed event yet');
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    expect(blackholed).toContain('127.0.0.1:9');
  }, 180_000);
});
