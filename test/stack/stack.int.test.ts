// kube-prometheus-stack as it behaves by default, with the real parts that run here: the
// Prometheus Operator v0.93.1 (the chart's appVersion) and Prometheus v3.14.0 (its image tag),
// both built from their Go modules by scripts/stack/install.sh, run on the local cluster's real
// node next to charts/shopwatch. The Prometheus resource carries exactly the selectors the chart
// renders by default, derived at test time from its values.yaml (../shared/reference): every
// kind selected by `release: <release>`, in every namespace. Through Prometheus' HTTP API:
// every service of the release is an UP target, every rule group our operator wrote is loaded,
// and a Deployment scaled to zero makes its ServiceDown alert go pending.
// Skipped only when SHOPWATCH_REAL_NODE=0 (no node that runs pods).
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { KubernetesObject } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  apply,
  deleteObject,
  helm,
  kube,
  kubectl,
  listObjects,
  loadNodeImages,
  loadShopImages,
  parseManifests,
  portForward,
  readObject,
  repoRoot as testRepoRoot,
  SHOP_SERVICES,
  useNamespace,
  waitFor,
  waitForCrdEstablished,
  waitForGone,
  type PortForward,
} from '@shopwatch/testkit';
import { prometheusSelectors, prometheusVersion, readKpsDefaults } from './support/kps.ts';
import { prometheusApi, type PromAlert, type PromRuleGroup, type PromTarget } from './support/prometheus-api.ts';
import { clusterRole, operatorDeployment, OPERATOR_RULES, PROMETHEUS_RULES } from './support/stack-objects.ts';

const run = promisify(execFile);
const repoRoot = testRepoRoot();
const realNode = process.env.SHOPWATCH_REAL_NODE !== '0';
// One release name for both sides, as in charts/shopwatch-stack, where kube-prometheus-stack is a
// dependency of the same release: its selectors name the release, our operator labels with it.
const RELEASE = `stack-${Math.random().toString(36).slice(2, 7)}`;
const chartDir = path.join(repoRoot, 'charts', 'shopwatch');
const SERVICES = SHOP_SERVICES;
/** The Deployment scaled to zero (nothing else of the checkout waits on it). */
const STOPPED = 'support';
const RESTRICTED = { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'latest' };

interface StackSettings {
  operatorImage: string;
  reloaderImage: string;
  prometheusImage: string;
  prometheusVersion: string;
  crdDir: string;
}

async function stackSettings(): Promise<StackSettings> {
  const { stdout } = await run(
    'bash',
    ['-c', '. scripts/stack/versions.sh && printf "%s\\n" "$STACK_IMAGE_OPERATOR" "$STACK_IMAGE_RELOADER" "$STACK_IMAGE_PROMETHEUS" "$STACK_PROMETHEUS_VERSION" "$STACK_CRD_DIR"'],
    { cwd: repoRoot },
  );
  const [operatorImage = '', reloaderImage = '', prometheusImage = '', version = '', crdDir = ''] = stdout.trim().split('\n');
  return { operatorImage, reloaderImage, prometheusImage, prometheusVersion: version, crdDir };
}

/** Fails (never skips: CI runs setup first) when scripts/stack/install.sh has not run. */
async function requireStack(settings: StackSettings): Promise<void> {
  const missing: string[] = [];
  for (const image of [settings.operatorImage, settings.reloaderImage, settings.prometheusImage]) {
    const found = await run('bash', ['-c', '. scripts/containers/env.sh && podman image exists "$1"', '_', image], { cwd: repoRoot }).then(
      () => true,
      () => false,
    );
    if (!found) missing.push(image);
  }
  const crds = (() => {
    try {
      return readdirSync(settings.crdDir).filter((f) => f.endsWith('.yaml'));
    } catch {
      return [];
    }
  })();
  if (crds.length === 0) missing.push(`the CRDs in ${settings.crdDir}`);
  if (missing.length > 0) {
    throw new Error(`missing ${missing.join(', ')}: run \`scripts/setup.sh stack\` (builds the Prometheus Operator and Prometheus from their Go modules, and their images)`);
  }
}

if (!realNode) {
  describe('kube-prometheus-stack defaults on the real node', () => {
    it.skip('skipped: SHOPWATCH_REAL_NODE=0 — the local cluster has no node that runs pods', () => undefined);
  });
}

describe.skipIf(!realNode)('kube-prometheus-stack defaults: the Prometheus Operator and Prometheus with charts/shopwatch', () => {
  const shop = useNamespace('stack-shop', { labels: RESTRICTED });
  const monitoring = useNamespace('stack-mon', { labels: RESTRICTED });
  const kps = readKpsDefaults();
  const prometheusName = `${RELEASE}-prometheus`;
  const clusterScoped: { kind: string; name: string }[] = [];
  let settings: StackSettings;
  let forward: PortForward | undefined;
  let prom: ReturnType<typeof prometheusApi>;

  beforeAll(async () => {
    settings = await stackSettings();
    await requireStack(settings);
    // The images must be in the node's containerd: ours (`make images`), the infrastructure's
    // stand-ins (each build step skips what is current) and the stack's (scripts/stack).
    await loadShopImages();
    await loadNodeImages([settings.operatorImage, settings.reloaderImage, settings.prometheusImage]);
    // Every monitoring.coreos.com CRD of the operator version (make cluster-up installs only the
    // four our operator writes), under cluster-up's field manager: the same owner as those four.
    for (const file of readdirSync(settings.crdDir).filter((f) => f.endsWith('.yaml')).sort()) {
      for (const crd of parseManifests(readFileSync(path.join(settings.crdDir, file), 'utf8'))) {
        await apply(crd, { fieldManager: 'shopwatch-cluster-up', force: true });
        await waitForCrdEstablished(crd.metadata?.name ?? '', { timeoutMs: 60_000 });
      }
    }
  }, 1_800_000);

  afterAll(async () => {
    await forward?.close();
    if (process.env.KEEP_TEST_NAMESPACES) return;
    // The Prometheus resource first, while its operator still runs to let go of it.
    const ref = { apiVersion: 'monitoring.coreos.com/v1', kind: 'Prometheus', namespace: monitoring.name, name: prometheusName };
    await deleteObject(ref);
    await waitForGone(ref, { timeoutMs: 60_000 }).catch((error: unknown) => console.warn(String(error)));
    await helm(['uninstall', RELEASE, '-n', shop.name, '--timeout', '120s'], { allowFailure: true });
    for (const { kind, name } of clusterScoped) await deleteObject({ apiVersion: 'rbac.authorization.k8s.io/v1', kind, name });
  }, 300_000);

  it('runs the Prometheus Operator and a Prometheus whose selectors are kube-prometheus-stack’s defaults, then installs the release', async () => {
    const started = Date.now();
    const ns = monitoring.name;
    // The operator: kube-prometheus-stack's security contexts, RBAC of its own, scoped to the two
    // namespaces of this test (other tests on the shared cluster keep their own Prometheus).
    const operatorRole = await clusterRole(`${ns}-prometheus-operator`, OPERATOR_RULES, ns, 'prometheus-operator');
    const prometheusRole = await clusterRole(`${ns}-prometheus`, PROMETHEUS_RULES, ns, 'prometheus');
    clusterScoped.push(...operatorRole, ...prometheusRole);
    await apply(operatorDeployment(ns, settings, kps.prometheusOperator, [shop.name, ns]));

    const spec = kps.prometheusSpec;
    const selectors = prometheusSelectors(spec, RELEASE);
    const prometheus = {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'Prometheus',
      metadata: { name: prometheusName, namespace: ns, labels: { release: RELEASE } },
      spec: {
        image: settings.prometheusImage,
        version: settings.prometheusVersion,
        replicas: spec.replicas,
        retention: spec.retention,
        walCompression: spec.walCompression,
        portName: spec.portName,
        securityContext: spec.securityContext,
        serviceAccountName: 'prometheus',
        // Built here and loaded into the node (as values-local.yaml does for our images).
        imagePullPolicy: 'Never',
        ...selectors,
        // What charts/shopwatch-stack turns on (issue 10): exemplars for the trace links.
        enableFeatures: ['exemplar-storage'],
      },
    };
    expect(settings.prometheusVersion, 'the Prometheus built here is the one kube-prometheus-stack runs').toBe(prometheusVersion(spec));
    await apply(prometheus);
    const stored = await readObject<KubernetesObject & { spec: Record<string, unknown> }>({ apiVersion: 'monitoring.coreos.com/v1', kind: 'Prometheus', namespace: ns, name: prometheusName });
    for (const [field, selector] of Object.entries(selectors)) expect(stored?.spec[field], field).toEqual(selector);
    expect(selectors.serviceMonitorSelector).toEqual({ matchLabels: { release: RELEASE } });

    // The release label: the operator's default, and on each resource too. Other releases of the
    // chart on the shared cluster run operators in `cluster` mode that reconcile these resources
    // as well, each with its own default: with only the default, the label flips between them
    // (seen here). This release's operator stays in its own namespace for the same reason.
    await helm(
      [
        'install', RELEASE, chartDir, '-n', shop.name, '-f', path.join(chartDir, 'values-local.yaml'), '--set', 'loadgen.rate=0.2',
        '--set', `shopwatch-operator.operator.defaultRelease=${RELEASE}`, '--set', `observability.release=${RELEASE}`,
        '--set', 'shopwatch-operator.watch.mode=namespaced',
      ],
      { timeoutMs: 180_000 },
    );

    const operatorLogs = async () => (await kubectl(['logs', '-n', ns, 'deploy/prometheus-operator', '--tail=15'], { allowFailure: true })).stdout;
    await waitFor(
      'the Prometheus pod Running and Ready (made by the Prometheus Operator)',
      async () => {
        const pods = (await api(kube().core.listNamespacedPod({ namespace: ns, labelSelector: `prometheus=${prometheusName}` }))).items;
        const ready = pods.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
        if (ready.length === 1) return true;
        const events = (await api(kube().core.listNamespacedEvent({ namespace: ns }))).items.filter((e) => e.type === 'Warning').slice(-3);
        throw new Error(
          `${pods.map((p) => `${p.metadata?.name ?? ''} ${p.status?.phase ?? ''}`).join(', ') || 'no pod'}; ` +
            `warnings: ${events.map((e) => e.message).join(' | ')}; operator: ${(await operatorLogs()).slice(-1500)}`,
        );
      },
      { timeoutMs: 420_000, intervalMs: 5_000 },
    );
    forward = await portForward(ns, 'svc/prometheus-operated', 9090);
    prom = prometheusApi(`http://127.0.0.1:${forward.localPort}`);
    const flags = await prom.get<Record<string, string>>('/api/v1/status/flags');
    expect(flags['enable-feature'] ?? '').toContain('exemplar-storage');
    console.log(`stack: Prometheus ${settings.prometheusVersion} ready under the Prometheus Operator in ${Math.round((Date.now() - started) / 1000)} s`);
  }, 900_000);

  it('scrapes every service of the release as an UP target', async () => {
    const started = Date.now();
    const declared = (await listObjects<KubernetesObject & { spec: { service: { name: string } } }>('observability.shopwatch.dev/v1alpha1', 'ServiceObservability', { namespace: shop.name })).map(
      (o) => o.spec.service.name,
    );
    expect(declared.sort()).toEqual([...SERVICES].sort());
    const targets = await waitFor(
      `a healthy target for each of the ${SERVICES.length} services`,
      async () => {
        const active = (await prom.get<{ activeTargets: PromTarget[] }>('/api/v1/targets?state=active')).activeTargets.filter((t) => t.labels.namespace === shop.name);
        const missing = SERVICES.filter((s) => !active.some((t) => t.labels.service === s && t.health === 'up'));
        if (missing.length === 0) return active;
        throw new Error(`not up: ${missing.map((s) => `${s} (${active.filter((t) => t.labels.service === s).map((t) => `${t.health} ${t.lastError}`).join('; ') || 'no target'})`).join(', ')}`);
      },
      // Pods start in a few minutes on two shared cores, and the chart scrapes every 30 s.
      { timeoutMs: 720_000, intervalMs: 5_000 },
    );
    // Every target comes from a ServiceMonitor our operator wrote for this release.
    for (const target of targets) expect(target.scrapePool).toMatch(new RegExp(`^serviceMonitor/${shop.name}/`));
    const up = targets.filter((t) => t.health === 'up').length;
    console.log(`stack: ${up}/${targets.length} targets up, ${SERVICES.length}/${SERVICES.length} services, in ${Math.round((Date.now() - started) / 1000)} s`);
  }, 780_000);

  it('loads every rule group the operator wrote', async () => {
    const written = (await listObjects<KubernetesObject & { spec: { groups: { name: string; rules: unknown[] }[] } }>('monitoring.coreos.com/v1', 'PrometheusRule', { namespace: shop.name }));
    expect(written.length).toBe(SERVICES.length);
    for (const rule of written) expect(rule.metadata?.labels?.release, rule.metadata?.name).toBe(RELEASE);
    const wanted = written.flatMap((r) => r.spec.groups.map((g) => ({ name: g.name, rules: g.rules.length })));
    const loaded = await waitFor(
      `${wanted.length} rule groups loaded`,
      async () => {
        const groups = (await prom.get<{ groups: PromRuleGroup[] }>('/api/v1/rules')).groups;
        const missing = wanted.filter((w) => !groups.some((g) => g.name === w.name && g.rules.length === w.rules));
        if (missing.length === 0) return groups;
        throw new Error(`${missing.length} not loaded, e.g. ${missing.slice(0, 3).map((m) => m.name).join(', ')}`);
      },
      { timeoutMs: 300_000, intervalMs: 5_000 },
    );
    const rules = wanted.reduce((sum, w) => sum + w.rules, 0);
    // The names are unique per service, so the loaded groups are exactly ours plus none else.
    expect(loaded.filter((g) => wanted.some((w) => w.name === g.name)).length).toBe(wanted.length);
    const unhealthy = loaded.flatMap((g) => g.rules).filter((r) => r.health === 'err');
    expect(unhealthy.map((r) => `${r.name}: ${r.lastError ?? ''}`)).toEqual([]);
    console.log(`stack: ${wanted.length} rule groups (${rules} rules) of ${written.length} PrometheusRules loaded by Prometheus`);
  }, 360_000);

  it(`scaling ${STOPPED} to zero makes its ServiceDown alert go pending, and only its`, async () => {
    const serviceDown = async () => (await prom.get<{ alerts: PromAlert[] }>('/api/v1/alerts')).alerts.filter((a) => a.labels.alertname === 'ServiceDown' && a.labels.namespace === shop.name);
    // Every target is up, so no ServiceDown is active (one pending while a pod was still
    // starting clears at the next evaluation).
    await waitFor(
      'no ServiceDown alert while every service is up',
      async () => {
        const active = await serviceDown();
        if (active.length === 0) return true;
        throw new Error(active.map((a) => `${a.labels.service} ${a.state}`).join(', '));
      },
      { timeoutMs: 120_000, intervalMs: 5_000 },
    );
    const deployment = `${RELEASE}-shopwatch-${STOPPED}`;
    const scaledAt = Date.now();
    await kubectl(['scale', `deployment/${deployment}`, '-n', shop.name, '--replicas=0']);
    const alert = await waitFor(
      `ServiceDown for ${STOPPED} pending`,
      async () => (await serviceDown()).find((a) => a.labels.service === STOPPED && (a.state === 'pending' || a.state === 'firing')),
      // Endpoints update, stale `up` series, then the next rule evaluation (every 30 s).
      { timeoutMs: 180_000, intervalMs: 2_000 },
    );
    const seconds = Math.round((Date.now() - scaledAt) / 1000);
    expect(alert.state).toBe('pending');
    expect(alert.labels).toMatchObject({ severity: 'critical', service: STOPPED, namespace: shop.name });
    expect((await serviceDown()).map((a) => a.labels.service)).toEqual([STOPPED]);
    console.log(`stack: ServiceDown{service="${STOPPED}"} pending ${seconds} s after scaling ${deployment} to 0`);
  }, 360_000);
});
