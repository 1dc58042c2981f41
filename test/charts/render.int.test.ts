// charts/shopwatch as rendered: lint, every ci values file, the schema's strictness, Pod
// Security `restricted` field by field, requests/limits and their sums, probes and drain times,
// each service's environment read by the service's own config loader, a server-side dry-run
// against the local API server (whose Pod Security admission judges every pod template), and
// the NetworkPolicies evaluated for every connection the shop needs and many it must not make.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TObject } from 'typebox';
import { parse } from 'yaml';
import { BaseConfigSchema, loadConfig } from '@shopwatch/platform';
import { applyManifests, helm, kubectl, useNamespace, waitForCrdEstablished } from '@shopwatch/testkit';
import {
  allContainers,
  chartDir,
  ciValues,
  formatFootprint,
  footprint,
  renderChart,
  repoRoot,
  workloads,
  type Manifest,
  type Workload,
} from './support/chart.ts';
import { connection, type Endpoint, type NetworkPolicy } from './support/network-policy.ts';

const RELEASE = 'shop';
const NAMESPACE = 'shop';
const rendered = new Map<string, Manifest[]>();

beforeAll(async () => {
  for (const { name, file } of ciValues) rendered.set(name, await renderChart(RELEASE, NAMESPACE, ['-f', file]));
}, 300_000);

function objectsOf(name: string): Manifest[] {
  const objects = rendered.get(name);
  if (!objects) throw new Error(`no render for ${name}`);
  return objects;
}

const ourChart = (w: Workload) => w.chart.startsWith('shopwatch-0');

describe('helm lint and template', () => {
  it('lints clean with --strict, with the defaults and with every ci values file', async () => {
    for (const { name, file } of [{ name: 'defaults', file: '' }, ...ciValues]) {
      const result = await helm(['lint', '--strict', chartDir, ...(file ? ['-f', file] : [])], { kubeconfig: '/dev/null', allowFailure: true });
      expect(result.exitCode, `${name}: ${result.stdout}${result.stderr}`).toBe(0);
      expect(result.stdout, name).toContain('0 chart(s) failed');
    }
  }, 300_000);

  it('renders every ci values file into the objects it promises', () => {
    const kinds = (name: string) => objectsOf(name).map((o) => `${o.kind}/${o.metadata?.name ?? ''}`);
    const defaults = kinds('default');
    expect(defaults.filter((k) => k.startsWith('Deployment/shop-shopwatch-')).length).toBe(15); // 13 services, redis, the operator
    expect(defaults).toContain('StatefulSet/shop-shopwatch-postgresql');
    expect(defaults).toContain('StatefulSet/shop-shopwatch-kafka');
    expect(defaults.filter((k) => k.startsWith('ServiceObservability/')).length).toBe(13);
    expect(defaults).toContain('Deployment/shop-shopwatch-operator');

    const external = kinds('external');
    expect(external.some((k) => /postgresql|kafka|redis|db-init/.test(k) && !k.startsWith('NetworkPolicy/'))).toBe(false);
    expect(external).toContain('HorizontalPodAutoscaler/shop-shopwatch-gateway');
    expect(external.filter((k) => k.startsWith('Secret/'))).toEqual([]);

    const off = kinds('observability-off');
    expect(off.some((k) => k.startsWith('ServiceObservability/') || k.startsWith('NetworkPolicy/') || k.includes('operator'))).toBe(false);
    expect(off.filter((k) => k.startsWith('Deployment/')).length).toBe(14);
  });

  it('rejects a misspelt key anywhere in the values, naming it', async () => {
    for (const set of ['services.catalog.replica=2', 'postgres.enabled=false', 'serviceDefaults.resource.requests.cpu=1', 'kafka.persistance.enabled=false']) {
      const result = await helm(['template', RELEASE, chartDir, '--set', set], { kubeconfig: '/dev/null', allowFailure: true });
      expect(result.exitCode, set).not.toBe(0);
      const key = set.split('=')[0]?.split('.').find((part) => ['replica', 'postgres', 'resource', 'persistance'].includes(part)) ?? '';
      expect(result.stderr, set).toMatch(new RegExp(`additional propert(y|ies) '${key}' not allowed`));
    }
    const wrongType = await helm(['template', RELEASE, chartDir, '--set', 'loadgen.rate=fast'], { kubeconfig: '/dev/null', allowFailure: true });
    expect(wrongType.exitCode).not.toBe(0);
    expect(wrongType.stderr).toContain('/loadgen/rate');
  }, 180_000);

  it('refuses external infrastructure without the Secret that reaches it', async () => {
    const result = await helm(['template', RELEASE, chartDir, '--set', 'postgresql.enabled=false'], { kubeconfig: '/dev/null', allowFailure: true });
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain('externalDatabase.existingSecret');
  }, 120_000);
});

describe('ServiceObservabilities from the spec files (charts/shopwatch/observability/)', () => {
  interface SpecFile {
    slos?: unknown[];
    alerts?: unknown[];
    dashboard?: { title?: string; marketing?: Array<{ title: string }>; business?: Array<{ title: string }> };
  }
  const specDir = path.join(chartDir, 'observability');
  const specFile = (service: string) => parse(readFileSync(path.join(specDir, `${service}.yaml`), 'utf8')) as SpecFile;
  const resources = (objects: Manifest[]) =>
    objects.filter((o) => o.kind === 'ServiceObservability') as Array<Manifest & { spec: { service: { name: string }; slos?: unknown[]; alerts?: unknown[]; dashboard: SpecFile['dashboard'] } }>;

  it("carry each service's file: its SLOs, alerts and panels, without the panel test's `requires`", () => {
    const files = readdirSync(specDir).filter((f) => f.endsWith('.yaml'));
    expect(files).toHaveLength(13);
    const all = resources(objectsOf('default'));
    expect(all.map((r) => `${r.spec.service.name}.yaml`).sort()).toEqual([...files].sort());
    for (const resource of all) {
      const name = resource.spec.service.name;
      const file = specFile(name);
      expect(resource.spec.slos, name).toEqual(file.slos);
      expect(resource.spec.alerts ?? [], name).toEqual(file.alerts ?? []);
      expect(resource.spec.dashboard?.title, name).toBe(file.dashboard?.title);
      for (const row of ['marketing', 'business'] as const) {
        expect((resource.spec.dashboard?.[row] ?? []).map((p) => p.title), `${name} ${row}`).toEqual((file.dashboard?.[row] ?? []).map((p) => p.title));
      }
      expect(JSON.stringify(resource.spec), name).not.toContain('"requires"');
      expect(JSON.stringify(resource.spec), name).not.toContain('"httpTraffic"');
    }
  });

  it('a field under observability.services.<name> replaces the file\'s, for that service only', async () => {
    const objects = await renderChart(RELEASE, NAMESPACE, [
      '--set', 'observability.services.catalog.slos[0].name=availability-only',
      '--set-string', 'observability.services.catalog.slos[0].objective=99',
      '--set', 'observability.services.catalog.slos[0].window=30d',
      '--set', 'observability.services.catalog.slos[0].availability.errorStatusCodes=5..',
    ]);
    const byName = new Map(resources(objects).map((r) => [r.spec.service.name, r]));
    expect(byName.get('catalog')?.spec.slos).toEqual([{ name: 'availability-only', objective: '99', window: '30d', availability: { errorStatusCodes: '5..' } }]);
    expect(byName.get('catalog')?.spec.dashboard?.title).toBe(specFile('catalog').dashboard?.title);
    expect(byName.get('orders')?.spec.slos).toEqual(specFile('orders').slos);
  }, 120_000);
});

describe('every pod is secure by default', () => {
  it('meets Pod Security "restricted" in every field, in every ci render', () => {
    for (const { name } of ciValues) {
      for (const w of workloads(objectsOf(name))) {
        const where = `${name}: ${w.kind}/${w.name}`;
        const pod = w.pod;
        expect(pod.hostNetwork ?? false, where).toBe(false);
        expect(pod.hostPID ?? false, where).toBe(false);
        expect(pod.hostIPC ?? false, where).toBe(false);
        expect(pod.securityContext?.seccompProfile?.type, where).toBe('RuntimeDefault');
        expect(pod.securityContext?.runAsNonRoot, where).toBe(true);
        expect(pod.securityContext?.runAsUser ?? 1, where).not.toBe(0);
        // Docker-link variables (KAFKA_PORT=tcp://… for a Service named kafka) would pose as configuration.
        if (ourChart(w)) expect(pod.enableServiceLinks, where).toBe(false);
        for (const volume of pod.volumes ?? []) {
          const types = Object.keys(volume).filter((k) => k !== 'name');
          expect(types.every((t) => ['configMap', 'emptyDir', 'secret', 'projected', 'persistentVolumeClaim', 'downwardAPI', 'ephemeral', 'csi'].includes(t)), `${where} volume ${volume.name}`).toBe(true);
        }
        for (const c of allContainers(pod)) {
          const at = `${where} container ${c.name}`;
          expect(c.securityContext?.allowPrivilegeEscalation, at).toBe(false);
          expect(c.securityContext?.privileged ?? false, at).toBe(false);
          expect(c.securityContext?.capabilities?.drop, at).toContain('ALL');
          expect(c.securityContext?.capabilities?.add ?? [], at).toEqual([]);
          expect(c.securityContext?.runAsUser ?? 1, at).not.toBe(0);
          expect((c.ports ?? []).every((p) => p.hostPort === undefined), at).toBe(true);
        }
      }
    }
  });

  it('sets requests and limits on every container, and probes and a preStop on every long-running one', () => {
    for (const { name } of ciValues) {
      for (const w of workloads(objectsOf(name))) {
        for (const c of allContainers(w.pod)) {
          const at = `${name}: ${w.kind}/${w.name} container ${c.name}`;
          for (const field of ['cpu', 'memory'] as const) {
            expect(c.resources?.requests?.[field], `${at} requests.${field}`).toBeDefined();
            expect(c.resources?.limits?.[field], `${at} limits.${field}`).toBeDefined();
          }
        }
        if (w.kind === 'Job' || !ourChart(w)) continue;
        for (const c of w.pod.containers) {
          const at = `${name}: ${w.kind}/${w.name} container ${c.name}`;
          expect(c.startupProbe, at).toBeDefined();
          expect(c.readinessProbe, at).toBeDefined();
          expect(c.livenessProbe, at).toBeDefined();
        }
      }
    }
  });

  it('gives every service a grace period that covers its preStop pause and its own drain deadline', () => {
    const services = workloads(objectsOf('default')).filter((w) => w.template.metadata?.labels?.['app.kubernetes.io/component'] === 'service');
    expect(services.length).toBe(13);
    for (const w of services) {
      const container = w.pod.containers[0];
      const drainMs = Number(container?.env?.find((e) => e.name === 'SHUTDOWN_TIMEOUT_MS')?.value);
      const preStop = container?.lifecycle?.preStop?.sleep?.seconds ?? 0;
      expect(drainMs, w.name).toBeGreaterThan(0);
      expect(preStop, w.name).toBeGreaterThan(0);
      expect(w.pod.terminationGracePeriodSeconds ?? 30, w.name).toBeGreaterThan(preStop + drainMs / 1000);
      // Only the operator talks to the Kubernetes API.
      expect(w.pod.automountServiceAccountToken, w.name).toBe(false);
    }
  });

  it('fits the footprint budget: default requests ≤ 3 GiB and ≤ 2 CPUs; minimal well below', () => {
    const defaults = footprint(workloads(objectsOf('default')));
    const minimal = footprint(workloads(objectsOf('minimal')));
    console.log(formatFootprint('default', defaults));
    console.log(formatFootprint('minimal', minimal));
    expect(defaults.memoryRequests).toBeLessThanOrEqual(3 * 2 ** 30);
    expect(defaults.cpuRequests).toBeLessThanOrEqual(2);
    expect(minimal.memoryRequests).toBeLessThanOrEqual(1.75 * 2 ** 30);
    expect(minimal.memoryRequests).toBeLessThan(defaults.memoryRequests);
    expect(minimal.pods).toBe(16);
  });
});

describe('each service gets exactly the configuration it reads', () => {
  /** The container's environment as the kubelet builds it: values from the rendered Secrets, $(VAR) expanded. */
  function environment(objects: readonly Manifest[], w: Workload): Record<string, string> {
    const secrets = new Map(objects.filter((o) => o.kind === 'Secret').map((o) => [o.metadata?.name ?? '', o.data ?? {}]));
    const env: Record<string, string> = {};
    for (const variable of w.pod.containers[0]?.env ?? []) {
      const ref = variable.valueFrom?.secretKeyRef;
      const raw = ref ? Buffer.from(secrets.get(ref.name ?? '')?.[ref.key] ?? '', 'base64').toString() : (variable.value ?? '');
      env[variable.name] = raw.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, name: string) => env[name] ?? whole);
    }
    return env;
  }

  it("passes every service's own config loader, with no variable the service does not know", async () => {
    const objects = objectsOf('default');
    const services = workloads(objects).filter((w) => w.template.metadata?.labels?.['app.kubernetes.io/component'] === 'service');
    for (const w of services) {
      const name = w.template.metadata?.labels?.['app.kubernetes.io/name'] ?? '';
      const env = environment(objects, w);
      let schema: TObject = BaseConfigSchema;
      let load: (env: NodeJS.ProcessEnv) => unknown = (e) => loadConfig(BaseConfigSchema, e);
      if (name !== 'storefront') {
        // The service package's public surface: its config schema and loader.
        const module = (await import(`@shopwatch/${name}`)) as Record<string, unknown>;
        const schemaKey = Object.keys(module).find((k) => k.endsWith('ConfigSchema'));
        const loadKey = Object.keys(module).find((k) => /^load[A-Za-z]+Config$/.test(k));
        expect(schemaKey && loadKey, name).toBeTruthy();
        schema = module[schemaKey ?? ''] as TObject;
        load = module[loadKey ?? ''] as (env: NodeJS.ProcessEnv) => unknown;
      }
      expect(() => load(env), `${name}: ${JSON.stringify(Object.keys(env))}`).not.toThrow();
      const known = new Set([...Object.keys(schema.properties), 'DATABASE_PASSWORD', 'REDIS_PASSWORD']);
      expect(Object.keys(env).filter((k) => !known.has(k)), name).toEqual([]);
    }
  }, 180_000);
});

describe('against the local API server', () => {
  const ns = useNamespace('chart-render', {
    labels: { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/warn': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'latest' },
  });

  it('accepts every rendered object in a server-side dry run, without a Pod Security warning', async () => {
    // The ServiceObservability CRD as the operator chart ships it (shared, never deleted: other tests use it too).
    const crdDir = path.join(repoRoot, 'charts', 'shopwatch-operator', 'crds');
    await applyManifests(readFileSync(path.join(crdDir, 'serviceobservabilities.observability.shopwatch.dev.yaml'), 'utf8'));
    await waitForCrdEstablished('serviceobservabilities.observability.shopwatch.dev', { timeoutMs: 30_000 });
    for (const { name, file } of ciValues) {
      // A release name of its own: the operator's ClusterRole(Binding) names carry it, and cluster-scoped
      // objects of another install (e.g. `make up`'s release `shop`) must not be touched.
      const release = `render-${ns.name.slice(-6)}`;
      const { stdout } = await helm(['template', release, chartDir, '--namespace', ns.name, '-f', file], { kubeconfig: '/dev/null' });
      const result = await kubectl(['apply', '--server-side', '--dry-run=server', '--field-manager=chart-render-test', '-n', ns.name, '-f', '-'], {
        input: stdout,
        allowFailure: true,
        timeoutMs: 180_000,
      });
      expect(result.exitCode, `${name}: ${result.stderr}`).toBe(0);
      expect(result.stderr, name).not.toMatch(/would violate PodSecurity/);
      const applied = result.stdout.split('\n').filter((l) => l.includes('serverside-applied'));
      expect(applied.length, name).toBe(parseYamlCount(stdout));
    }
  }, 600_000);
});

function parseYamlCount(text: string): number {
  return text.split(/^---$/m).filter((doc) => /^kind:/m.test(doc)).length;
}

describe('NetworkPolicies (evaluated over the rendered policies)', () => {
  const objects = () => objectsOf('default');
  const policies = () => objects().filter((o) => o.kind === 'NetworkPolicy') as unknown as NetworkPolicy[];

  function pods(): Map<string, Endpoint> {
    const out = new Map<string, Endpoint>();
    for (const w of workloads(objects())) {
      const labels = (w.template.metadata?.labels ?? {}) as Record<string, string>;
      const ports: Record<string, number> = {};
      for (const c of w.pod.containers) for (const p of c.ports ?? []) if (p.name) ports[p.name] = p.containerPort;
      out.set(labels['app.kubernetes.io/name'] ?? w.name, { kind: 'pod', name: w.name, namespace: NAMESPACE, labels, ports });
    }
    return out;
  }
  const outside: Endpoint = { kind: 'pod', name: 'a pod elsewhere', namespace: 'elsewhere', labels: { app: 'curious' }, ports: {} };
  const prometheus: Endpoint = { kind: 'pod', name: 'prometheus', namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus' }, ports: {} };
  const dns: Endpoint = { kind: 'pod', name: 'coredns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' }, ports: { dns: 53 } };
  const apiServer: Endpoint = { kind: 'external', name: 'kube-apiserver', ip: '10.245.0.1' };
  const internet: Endpoint = { kind: 'external', name: 'internet', ip: '93.184.216.34' };

  it('selects every pod of the release with the default deny (ingress and egress)', () => {
    const deny = policies().find((p) => p.metadata.name.endsWith('default-deny'));
    expect(deny?.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(deny?.spec.ingress ?? []).toEqual([]);
    expect(deny?.spec.egress ?? []).toEqual([]);
    for (const pod of pods().values()) {
      if (pod.kind !== 'pod') continue;
      const selected = policies().filter((p) => Object.entries(p.spec.podSelector.matchLabels ?? {}).every(([k, v]) => pod.labels[k] === v));
      expect(selected.length, pod.name).toBeGreaterThanOrEqual(2); // the default deny and the pod's own allows
    }
  });

  it('allows every connection the shop needs and denies everything else between its pods', () => {
    const all = pods();
    const get = (name: string) => {
      const pod = all.get(name);
      if (!pod) throw new Error(`no pod ${name}`);
      return pod;
    };
    // What each service connects to, read from the environment it is given (and its config
    // loader accepts, see above): DATABASE_URL, KAFKA_BROKERS, REDIS_URL and every <SERVICE>_URL.
    const needs: [string, string, number][] = [];
    for (const w of workloads(objects())) {
      const name = w.template.metadata?.labels?.['app.kubernetes.io/name'] ?? '';
      if (w.template.metadata?.labels?.['app.kubernetes.io/component'] !== 'service') continue;
      for (const variable of w.pod.containers[0]?.env ?? []) {
        if (variable.name === 'DATABASE_URL') needs.push([name, 'postgresql', 5432]);
        else if (variable.name === 'KAFKA_BROKERS') needs.push([name, 'kafka', 9092]);
        else if (variable.name === 'REDIS_URL') needs.push([name, 'redis', 6379]);
        else if (variable.name.endsWith('_URL') && variable.value?.startsWith('http://')) {
          const host = new URL(variable.value).hostname;
          needs.push([name, host.replace(`${RELEASE}-shopwatch-`, ''), Number(new URL(variable.value).port)]);
        }
      }
    }
    expect(needs.length).toBeGreaterThan(20);
    needs.push(['db-init', 'postgresql', 5432], ['seed', 'postgresql', 5432]);
    const failures: string[] = [];
    const check = (from: Endpoint, to: Endpoint, port: number, expected: boolean, protocol = 'TCP') => {
      const verdict = connection(policies(), from, to, port, protocol);
      if (verdict.allowed !== expected) failures.push(`${from.name} → ${to.name}:${port}/${protocol} expected ${expected ? 'allowed' : 'denied'} (egress ${verdict.egress}, ingress ${verdict.ingress})`);
    };
    const required = new Set(needs.map(([a, b, port]) => `${a}>${b}:${port}`));
    for (const [from, to, port] of needs) check(get(from), get(to), port, true);
    // Every ordered pair of the release's pods on every port in use: allowed exactly when needed.
    for (const [fromName, from] of all) {
      for (const [toName, to] of all) {
        if (fromName === toName) continue;
        for (const port of [8080, 5432, 9092, 6379, 8200]) check(from, to, port, required.has(`${fromName}>${toName}:${port}`));
      }
    }
    for (const [name, pod] of all) {
      if (pod.kind !== 'pod') continue;
      // PostgreSQL and Redis open no connection at all, not even to DNS.
      const resolves = name !== 'postgresql' && name !== 'redis';
      check(pod, dns, 53, resolves, 'UDP');
      check(pod, dns, 53, resolves, 'TCP');
      // The operator may reach the API server's ports anywhere (no selector can name the API server).
      check(pod, internet, 443, name === 'shopwatch-operator');
      check(pod, internet, 80, false);
      check(pod, apiServer, 6443, name === 'shopwatch-operator');
      const servesHttp = pod.ports.http !== undefined;
      check(prometheus, pod, 8080, servesHttp);
      check(outside, pod, pod.ports.http ?? 8080, name === 'gateway');
    }
    check(prometheus, get('shopwatch-operator'), 8200, true);
    check(outside, get('shopwatch-operator'), 8200, false);
    check(outside, get('postgresql'), 5432, false);
    expect(failures).toEqual([]);
    console.log(`network policies: ${policies().length} policies, ${needs.length} required connections allowed, every other pair denied`);
  });
});
