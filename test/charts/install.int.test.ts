// charts/shopwatch installed for real on the local cluster's real node (kubelet + containerd),
// into a namespace that enforces Pod Security `restricted`: every pod Running and Ready on the
// real node, the database Job done, and a checkout through `kubectl port-forward` to the gateway
// Service that reaches `confirmed`. Images are the ones built here (values-local.yaml).
// Skipped only when SHOPWATCH_REAL_NODE=0 (no node that runs pods).
import path from 'node:path';
import type { KubernetesObject, V1Job, V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, helm, kube, kubectl, listObjects, loadShopImages, SHOP_SERVICES, useNamespace, waitFor } from '@shopwatch/testkit';
import { chartDir } from './support/chart.ts';
import { portForward, type PortForward } from './support/port-forward.ts';

const realNode = process.env.SHOPWATCH_REAL_NODE !== '0';
// A release name of its own: the operator's ClusterRole(Binding) carry it, so an install made by
// `make up` (release `shop`) on the same cluster is never in the way.
const RELEASE = `install-${Math.random().toString(36).slice(2, 7)}`;
const SERVICES = SHOP_SERVICES;
/** 13 services, PostgreSQL, Kafka, Redis and the operator. */
const LONG_RUNNING_PODS = SERVICES.length + 4;

if (!realNode) {
  describe('charts/shopwatch on the real node', () => {
    it.skip('skipped: SHOPWATCH_REAL_NODE=0 — the local cluster has no node that runs pods', () => undefined);
  });
}

describe.skipIf(!realNode)('charts/shopwatch installed on the real node', () => {
  const ns = useNamespace('chart-install', {
    labels: { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'latest' },
  });
  let gateway: PortForward | undefined;

  beforeAll(async () => {
    // The images must be in the node's containerd (pull policy Never): ours from `make images`,
    // the infrastructure's stand-ins from the test-infra build (each step skips what is current).
    await loadShopImages();
  }, 1_200_000);

  afterAll(async () => {
    await gateway?.close();
    if (!process.env.KEEP_TEST_NAMESPACES) await helm(['uninstall', RELEASE, '-n', ns.name, '--timeout', '120s'], { allowFailure: true });
  }, 180_000);

  it('installs: every pod Running and Ready on the real node, every ServiceObservability Ready', async () => {
    const started = Date.now();
    await helm(['install', RELEASE, chartDir, '-n', ns.name, '-f', path.join(chartDir, 'values-local.yaml'), '--set', 'loadgen.rate=0.2'], {
      timeoutMs: 180_000,
    });
    const realNodes = new Set(
      (await api(kube().core.listNode({}))).items.filter((n) => n.metadata?.labels?.type !== 'kwok').map((n) => n.metadata?.name ?? ''),
    );
    expect(realNodes.size).toBeGreaterThan(0);
    const describePod = (p: V1Pod) => {
      const waiting = [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])]
        .map((c) => c.state?.waiting?.reason ?? (c.state?.terminated ? `${c.name} exited ${c.state.terminated.exitCode}` : c.ready ? '' : `${c.name} not ready`))
        .filter(Boolean);
      return `${p.metadata?.name ?? ''} ${p.status?.phase ?? ''}${waiting.length ? ` (${waiting.join(', ')})` : ''}`;
    };
    const pods = await waitFor(
      `${LONG_RUNNING_PODS} pods Running and Ready on the real node`,
      async () => {
        const all = (await api(kube().core.listNamespacedPod({ namespace: ns.name }))).items.filter((p) => !p.metadata?.labels?.['job-name']);
        const ready = all.filter(
          (p) => p.status?.phase === 'Running' && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') && !p.metadata?.deletionTimestamp,
        );
        if (ready.length === LONG_RUNNING_PODS && all.length === LONG_RUNNING_PODS) return ready;
        throw new Error(`${ready.length}/${LONG_RUNNING_PODS} ready; not yet: ${all.filter((p) => !ready.includes(p)).map(describePod).join('; ')}`);
      },
      { timeoutMs: 480_000, intervalMs: 3_000 },
    );
    for (const pod of pods) expect(realNodes.has(pod.spec?.nodeName ?? ''), `${pod.metadata?.name ?? ''} on ${pod.spec?.nodeName ?? ''}`).toBe(true);
    const names = pods.map((p) => p.metadata?.labels?.['app.kubernetes.io/name']);
    for (const service of [...SERVICES, 'postgresql', 'kafka', 'redis', 'shopwatch-operator']) expect(names, service).toContain(service);
    // The databases and the demo catalogue (the products the checkout below picks from).
    for (const job of ['db-init-1', 'seed-catalog-1']) {
      await waitFor(
        `Job ${job} complete`,
        async () => {
          const found = (await listObjects<V1Job>('batch/v1', 'Job', { namespace: ns.name })).find((j) => j.metadata?.name === `${RELEASE}-shopwatch-${job}`);
          return found?.status?.succeeded === 1 ? found : undefined;
        },
        { timeoutMs: 120_000, intervalMs: 2_000 },
      );
    }
    console.log(`chart install: ${pods.length} pods ready on the real node in ${Math.round((Date.now() - started) / 1000)} s`);

    // The operator, running in the release, turns every ServiceObservability into its outputs
    // (the Prometheus Operator's CRDs come with `make cluster-up`).
    type Observability = KubernetesObject & { status?: { conditions?: { type: string; status: string; reason?: string }[] } };
    await waitFor(
      `${SERVICES.length} ServiceObservabilities Ready`,
      async () => {
        const all = await listObjects<Observability>('observability.shopwatch.dev/v1alpha1', 'ServiceObservability', { namespace: ns.name });
        const notReady = all.filter((o) => !o.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
        if (all.length === SERVICES.length && notReady.length === 0) return true;
        throw new Error(`${all.length - notReady.length}/${all.length} Ready; not: ${notReady.map((o) => `${o.metadata?.name ?? ''} ${JSON.stringify(o.status?.conditions ?? [])}`).join('; ')}`);
      },
      { timeoutMs: 240_000, intervalMs: 3_000 },
    );
    const monitors = await listObjects('monitoring.coreos.com/v1', 'ServiceMonitor', { namespace: ns.name });
    const rules = await listObjects('monitoring.coreos.com/v1', 'PrometheusRule', { namespace: ns.name });
    expect([monitors.length, rules.length]).toEqual([SERVICES.length, SERVICES.length]);
  }, 900_000);

  it('takes a checkout through the gateway Service (kubectl port-forward) to confirmed', async () => {
    gateway = await portForward(ns.name, `${RELEASE}-shopwatch-gateway`, 8080);
    const base = gateway.url;
    // Through a port-forward a request can fail in transport on a loaded machine: each call is retried.
    const call = (description: string, url: string, init: RequestInit, expected: number, alsoFine?: number) =>
      waitFor(
        description,
        async () => {
          const response = await fetch(url, init);
          if (response.status !== expected && response.status !== alsoFine) throw new Error(`${response.status} ${await response.text()}`);
          return await response.json();
        },
        { timeoutMs: 60_000, intervalMs: 1_000 },
      );
    const json = { 'content-type': 'application/json' };
    const products = ((await call('the demo catalogue', `${base}/api/catalog/products?limit=3`, {}, 200)) as { items: { id: string }[] }).items;
    expect(products.length).toBe(3);
    // The shop's admin (its generated password from the chart's Secret) stocks the product:
    // the checkout then depends on no demo stock.
    const adminSecret = await api(kube().core.readNamespacedSecret({ namespace: ns.name, name: `${RELEASE}-shopwatch-admin` }));
    const adminPassword = Buffer.from(adminSecret.data?.['admin-password'] ?? '', 'base64').toString();
    const admin = (await call('admin login', `${base}/api/users/login`, { method: 'POST', headers: json, body: JSON.stringify({ email: 'admin@shopwatch.local', password: adminPassword }) }, 200)) as {
      accessToken: string;
    };
    const stock = (await call(
      'stock for the product',
      `${base}/api/inventory/stock/${products[0]?.id ?? ''}`,
      { method: 'PUT', headers: { ...json, authorization: `Bearer ${admin.accessToken}` }, body: JSON.stringify({ onHand: 100 }) },
      200,
    )) as { available: number };
    expect(stock.available).toBeGreaterThanOrEqual(1);
    const credentials = { email: `chart-${Date.now()}@example.com`, password: 'chart install password 1' };
    // 409 after a retry: the first attempt made the account but its answer was lost.
    await call('sign-up', `${base}/api/users/signup`, { method: 'POST', headers: json, body: JSON.stringify({ ...credentials, displayName: 'Chart Test' }) }, 201, 409);
    const { accessToken } = (await call('login', `${base}/api/users/login`, { method: 'POST', headers: json, body: JSON.stringify(credentials) }, 200)) as { accessToken: string };
    const auth = { ...json, authorization: `Bearer ${accessToken}` };
    const order = {
      items: [{ productId: products[0]?.id, quantity: 1 }],
      shipping: { country: 'DE', postalCode: '10115', city: 'Berlin', method: 'standard' },
    };
    // With an Idempotency-Key a retried POST (after a lost answer) replays the same order.
    const { id } = (await call(
      'the order placed',
      `${base}/api/orders/orders`,
      { method: 'POST', headers: { ...auth, 'idempotency-key': `chart-install-${ns.name}` }, body: JSON.stringify(order) },
      202,
    )) as { id: string };
    const final = await waitFor(
      `order ${id} to reach a terminal state`,
      async () => {
        const current = (await (await fetch(`${base}/api/orders/orders/${id}`, { headers: auth })).json()) as { status?: string; reason?: string | null };
        return current.status === 'confirmed' || current.status === 'cancelled' ? current : undefined;
      },
      // Beyond orders' step budget (120 s): a slow saga on a loaded machine still ends here.
      { timeoutMs: 180_000, intervalMs: 1_000 },
    );
    expect(final).toMatchObject({ status: 'confirmed', reason: null });
  }, 420_000);

  it('upgrades with a fault value and a loadgen rate, and rolls back: no pod restarts, every secret kept, the fault and the rate come and go in the running pods', async () => {
    const podIds = async () =>
      new Map(
        (await api(kube().core.listNamespacedPod({ namespace: ns.name }))).items
          .filter((p) => !p.metadata?.labels?.['job-name'])
          .map((p) => [p.metadata?.name ?? '', `${p.metadata?.uid ?? ''}/${(p.status?.containerStatuses ?? []).map((c) => c.restartCount).join(',')}`]),
      );
    const secrets = async () =>
      JSON.stringify(
        (await api(kube().core.listNamespacedSecret({ namespace: ns.name, labelSelector: `app.kubernetes.io/instance=${RELEASE}` }))).items
          .map((secret) => [secret.metadata?.name, secret.data])
          .sort(),
      );
    const podsBefore = await podIds();
    const secretsBefore = await secrets();
    // loadgen's running settings, through the API server's service proxy (it is not behind the gateway).
    const loadgenRate = async () =>
      (JSON.parse((await kubectl(['get', '--raw', `/api/v1/namespaces/${ns.name}/services/http:${RELEASE}-shopwatch-loadgen:http/proxy/control`])).stdout) as { rate: number }).rate;
    expect(await loadgenRate()).toBe(0.2);
    await helm(['upgrade', RELEASE, chartDir, '-n', ns.name, '--reuse-values', '--set', 'services.catalog.faults.http.errorRate=1', '--set', 'loadgen.rate=0.5'], { timeoutMs: 180_000 });
    expect(await secrets()).toBe(secretsBefore);
    // The faults file is a mounted ConfigMap the service re-reads: once the kubelet has synced it
    // (about a minute), every catalog API answer is the injected 503, with the same pods.
    gateway ??= await portForward(ns.name, `${RELEASE}-shopwatch-gateway`, 8080);
    const base = gateway.url;
    await waitFor(
      'the catalog answering 503 from the fault',
      async () => (await fetch(`${base}/api/catalog/products?limit=1`)).status === 503,
      { timeoutMs: 240_000, intervalMs: 2_000 },
    );
    await waitFor('loadgen following the new rate', async () => (await loadgenRate()) === 0.5, { timeoutMs: 240_000, intervalMs: 2_000 });
    expect(await podIds()).toEqual(podsBefore);

    // And back: a rollback to the first revision removes the fault the same way.
    await helm(['rollback', RELEASE, '1', '-n', ns.name], { timeoutMs: 180_000 });
    await waitFor(
      'the catalog answering 200 again after the rollback',
      async () => (await fetch(`${base}/api/catalog/products?limit=1`)).status === 200,
      { timeoutMs: 240_000, intervalMs: 2_000 },
    );
    await waitFor('loadgen back at the first rate', async () => (await loadgenRate()) === 0.2, { timeoutMs: 240_000, intervalMs: 2_000 });
    expect(await podIds()).toEqual(podsBefore);
    expect(await secrets()).toBe(secretsBefore);
  }, 720_000);
});
