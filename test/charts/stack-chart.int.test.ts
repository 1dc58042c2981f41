// charts/shopwatch-stack as far as it can be proven here. kube-prometheus-stack cannot be
// fetched on this machine and Helm refuses a chart with a missing dependency even when its
// condition is false, so the chart is rendered through Helm from a temporary copy whose
// Chart.yaml lists only the dependencies present (support/stack.ts): our templates, the
// platform subchart and every kube-prometheus-stack value our templates read are real; no
// kube-prometheus-stack object is rendered and nothing stands in for it. What is proven:
// - every key we set for kube-prometheus-stack exists in its 88.5.3 defaults (or its Grafana
//   chart's), read from ../shared/reference at test time;
// - lint, the schema, and each render-time check failing with its message and a `--set` fix
//   that, applied, makes the render pass;
// - the Jaeger pod's security, resources and probes, and the wiring to it;
// - the footprint (rendered pods + kube-prometheus-stack's pods summed from our values);
// - a server-side dry-run of this chart's own objects in a Pod Security `restricted` namespace.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { kubeconfigPath, kubectl, parseManifests, useNamespace } from '@shopwatch/testkit';
import { cpu, footprint, formatFootprint, memory, workloads, type Manifest } from './support/chart.ts';
import { connection, type Endpoint, type NetworkPolicy } from './support/network-policy.ts';
import { probeProblems, resourceProblems, restrictedProblems } from './support/pod-checks.ts';
import { helmStack, kpsPods, ownObjects, referenceDir, renderableStack, renderStack, stackChartDir, valueAt, type RenderableStack } from './support/stack.ts';
import { checkKeys, withoutPaths } from './support/values-keys.ts';

const RELEASE = 'shopwatch';
const NAMESPACE = 'shopwatch';
const KPS = 'kube-prometheus-stack';

type Tree = Record<string, unknown>;
const ourValues = parse(readFileSync(path.join(stackChartDir, 'values.yaml'), 'utf8')) as Tree;
const ourKps = ourValues[KPS] as Tree;

// Keys under `kube-prometheus-stack:` that are not kube-prometheus-stack's own, each with why.
const NOT_KPS_KEYS: Record<string, string> = {
  enabled: "the dependency's condition, read by Helm (Chart.yaml), not by the chart",
  'kube-state-metrics.resources': "the kube-state-metrics chart's own key, passed through to that subchart; its values are not in the reference",
};

describe.skipIf(!existsSync(referenceDir))('every kube-prometheus-stack key we set exists in its 88.5.3 defaults', () => {
  const load = (file: string) => parse(readFileSync(path.join(referenceDir, file), 'utf8')) as Tree;
  let kpsDefaults: Tree;
  let grafanaDefaults: Tree;
  beforeAll(() => {
    kpsDefaults = load('kube-prometheus-stack-88.5.3.values.yaml');
    grafanaDefaults = load('grafana-chart-12.11.1.values.yaml');
  });

  /** kube-prometheus-stack's own keys against its defaults; `grafana` also against the Grafana chart's. */
  function report(values: Tree) {
    const { grafana, ...rest } = withoutPaths(values, Object.keys(NOT_KPS_KEYS));
    const top = checkKeys(rest, [kpsDefaults]);
    const inGrafana = checkKeys(grafana as Tree, [kpsDefaults['grafana'] as Tree, grafanaDefaults], 'grafana');
    return { missing: [...top.missing, ...inGrafana.missing], open: [...top.open, ...inGrafana.open] };
  }

  it('finds every key, path by path', () => {
    const result = report(ourKps);
    expect(result.missing).toEqual([]);
    // Maps that are empty in the defaults take any keys; they are named here so a new one is seen.
    expect(result.open.sort()).toEqual(
      [
        'alertmanager.alertmanagerSpec.resources',
        'grafana.resources',
        'grafana.sidecar.datasources.exemplarTraceIdDestinations',
        'grafana.sidecar.resources',
        'prometheus.prometheusSpec.resources',
        'prometheusOperator.prometheusConfigReloader.resources',
        'prometheusOperator.resources',
      ].sort(),
    );
    console.log(`kube-prometheus-stack keys: all found; free-form below: ${result.open.join(', ')}`);
  });

  it('reports a misspelt key with its path', () => {
    const misspelt = structuredClone(ourKps);
    (valueAt(misspelt, 'prometheus.prometheusSpec') as Tree)['retension'] = '31d';
    (valueAt(misspelt, 'grafana.sidecar.dashboards') as Tree)['folderAnotation'] = 'grafana_folder';
    (valueAt(misspelt, 'grafana') as Tree)['resource'] = { requests: { cpu: '1' } };
    expect(report(misspelt).missing.sort()).toEqual(['grafana.resource', 'grafana.sidecar.dashboards.folderAnotation', 'prometheus.prometheusSpec.retension']);
  });

  it('needs each listed exception (a key that appears in the defaults must be checked like the others)', () => {
    for (const dotted of Object.keys(NOT_KPS_KEYS)) {
      const only: Tree = {};
      let node = only;
      const parts = dotted.split('.');
      parts.forEach((part, i) => {
        node[part] = i === parts.length - 1 ? valueAt(ourKps, dotted) : {};
        node = node[part] as Tree;
      });
      expect(checkKeys(only, [kpsDefaults]).missing.length, dotted).toBeGreaterThan(0);
    }
  });
});

describe('shopwatch-stack rendered (kube-prometheus-stack left out, see above)', () => {
  let stack: RenderableStack;
  let objects: Manifest[];
  beforeAll(async () => {
    stack = renderableStack();
    objects = await renderStack(stack, RELEASE, NAMESPACE);
  }, 180_000);
  afterAll(() => stack.remove());

  const find = (kind: string, name: string) => {
    const object = objects.find((o) => o.kind === kind && o.metadata?.name === name);
    if (!object) throw new Error(`no ${kind}/${name} rendered`);
    return object;
  };
  const jaegerPod = () => {
    const w = workloads(objects).find((x) => x.name === `${RELEASE}-jaeger`);
    if (!w) throw new Error('no Jaeger Deployment rendered');
    return w.pod;
  };

  it('leaves out exactly the dependency that cannot be fetched here', () => {
    expect(stack.leftOut).toEqual([KPS]);
  });

  it('lints clean with --strict', async () => {
    const result = await helmStack(stack, ['lint', '--strict', '{chart}'], { allowFailure: true });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('0 chart(s) failed');
  }, 120_000);

  it('wires the platform to this release: release labels, OTLP endpoint, Jaeger Service', () => {
    const observabilities = objects.filter((o) => o.kind === 'ServiceObservability');
    expect(observabilities.length).toBe(13);
    for (const o of observabilities) expect((o.spec?.['output'] as { release?: string } | undefined)?.release, o.metadata?.name).toBe(RELEASE);
    const operator = workloads(objects).find((w) => w.name === `${RELEASE}-shopwatch-operator`);
    expect(operator?.pod.containers[0]?.args).toContain(`--default-release=${RELEASE}`);

    const service = find('Service', `${RELEASE}-jaeger`);
    const ports = (service.spec?.['ports'] as { name: string; port: number }[]).map((p) => `${p.name}:${p.port}`);
    expect(ports).toEqual(['otlp-grpc:4317', 'otlp-http:4318', 'query:16686', 'metrics:8888']);
    const services = workloads(objects).filter((w) => w.template.metadata?.labels?.['app.kubernetes.io/component'] === 'service');
    expect(services.length).toBe(13);
    for (const w of services) {
      const endpoint = w.pod.containers[0]?.env?.find((e) => e.name === 'OTEL_EXPORTER_OTLP_ENDPOINT')?.value ?? '';
      const url = new URL(endpoint);
      expect(`${url.hostname}:${url.port}`, w.name).toBe(`${service.metadata?.name ?? ''}:4318`);
    }
  });

  it('makes the Grafana admin Secret that kube-prometheus-stack.grafana.admin names', () => {
    const secret = find('Secret', `${RELEASE}-grafana-admin`);
    expect(Object.keys(secret.data ?? {}).sort()).toEqual(['admin-password', 'admin-user']);
    expect(Buffer.from(secret.data?.['admin-password'] ?? '', 'base64').toString()).toMatch(/^[A-Za-z0-9]{32}$/);
    const admin = valueAt(ourKps, 'grafana.admin') as { existingSecret: string; userKey: string; passwordKey: string };
    expect(admin.existingSecret.replace('{{ .Release.Name }}', RELEASE)).toBe(secret.metadata?.name);
    expect([admin.userKey, admin.passwordKey].sort()).toEqual(Object.keys(secret.data ?? {}).sort());
  });

  it('bounds the Jaeger store and its memory', () => {
    const config = parse(find('ConfigMap', `${RELEASE}-jaeger`).data?.['config.yaml'] ?? '') as Tree;
    expect(valueAt(config, 'extensions.jaeger_storage.backends.memstore.memory.max_traces')).toBe((ourValues['jaeger'] as { maxTraces: number }).maxTraces);
    expect(valueAt(config, 'exporters.jaeger_storage_exporter.trace_storage')).toBe('memstore');
    const container = jaegerPod().containers[0];
    expect(container?.env?.find((e) => e.name === 'GOMEMLIMIT')?.valueFrom?.resourceFieldRef?.resource).toBe('limits.memory');
  });

  it('runs Jaeger as Pod Security "restricted" wants, with requests, limits and probes', () => {
    const pod = jaegerPod();
    const where = `Deployment/${RELEASE}-jaeger`;
    expect([...restrictedProblems(where, pod), ...resourceProblems(where, pod), ...probeProblems(where, pod)]).toEqual([]);
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.containers[0]?.securityContext?.readOnlyRootFilesystem).toBe(true);

    // The same checks find what a careless pod spec gets wrong.
    const careless = structuredClone(pod);
    careless.hostNetwork = true;
    const c = careless.containers[0];
    if (!c) throw new Error('no container');
    c.securityContext = { allowPrivilegeEscalation: true, runAsUser: 0 };
    delete c.resources;
    delete c.livenessProbe;
    const problems = [...restrictedProblems('careless', careless), ...resourceProblems('careless', careless), ...probeProblems('careless', careless)];
    for (const expected of ['hostNetwork', 'allowPrivilegeEscalation not false', 'does not drop ALL', 'runAsUser 0', 'no requests.cpu', 'no limits.memory', 'no livenessProbe']) {
      expect(problems.some((p) => p.includes(expected)), `${expected} in ${problems.join('; ')}`).toBe(true);
    }
  });

  it('keeps every rendered pod (platform and Jaeger) restricted, with requests and limits, with these values', () => {
    const problems = workloads(objects).flatMap((w) => {
      const where = `${w.kind}/${w.name}`;
      // Probes as render.int asks them: long-running pods of the platform and this chart (the
      // operator chart has readiness and liveness but no startup probe).
      const probed = w.kind !== 'Job' && !w.chart.startsWith('shopwatch-operator-');
      return [...restrictedProblems(where, w.pod), ...resourceProblems(where, w.pod), ...(probed ? probeProblems(where, w.pod) : [])];
    });
    expect(problems).toEqual([]);
    expect(workloads(objects).length).toBeGreaterThanOrEqual(21);
  });

  it("lets traces into Jaeger, Grafana read it, and keeps the platform's deny in force", () => {
    const policies = objects.filter((o) => o.kind === 'NetworkPolicy') as unknown as NetworkPolicy[];
    const podOf = (name: string, labels: Record<string, string>, ports: Record<string, number> = {}): Endpoint => ({ kind: 'pod', name, namespace: NAMESPACE, labels, ports });
    const labelsOf = (name: string) => workloads(objects).find((w) => w.name === name)?.template.metadata?.labels ?? {};
    const jaeger = podOf('jaeger', labelsOf(`${RELEASE}-jaeger`), { 'otlp-grpc': 4317, 'otlp-http': 4318, query: 16686, metrics: 8888 });
    const gateway = podOf('gateway', labelsOf(`${RELEASE}-gateway`), { http: 8080 });
    // Labels the Grafana and kube-state-metrics charts put on their pods (release = instance).
    const grafana = podOf('grafana', { 'app.kubernetes.io/name': 'grafana', 'app.kubernetes.io/instance': RELEASE }, { grafana: 3000 });
    const kubeStateMetrics = podOf('kube-state-metrics', { 'app.kubernetes.io/name': 'kube-state-metrics', 'app.kubernetes.io/instance': RELEASE, 'app.kubernetes.io/part-of': 'kube-state-metrics' }, { http: 8080 });
    const prometheus: Endpoint = { kind: 'pod', name: 'prometheus', namespace: NAMESPACE, labels: { 'app.kubernetes.io/name': 'prometheus' }, ports: {} };
    const apiServer: Endpoint = { kind: 'external', name: 'kube-apiserver', ip: '10.245.0.1' };
    const internet: Endpoint = { kind: 'external', name: 'internet', ip: '93.184.216.34' };

    const cases: [Endpoint, Endpoint, number, boolean][] = [
      [gateway, jaeger, 4318, true],
      // The platform lets its services send OTLP/HTTP only (telemetry.otlpPort).
      [gateway, jaeger, 4317, false],
      [grafana, jaeger, 16686, true],
      [prometheus, jaeger, 8888, true],
      [gateway, jaeger, 16686, false],
      [jaeger, internet, 443, false],
      [jaeger, gateway, 8080, false],
      // kube-prometheus-stack's pods carry the release's instance label, which the platform's
      // default deny selects: the chart opens them again.
      [grafana, apiServer, 6443, true],
      [kubeStateMetrics, apiServer, 6443, true],
      [prometheus, kubeStateMetrics, 8080, true],
      // ... and only them: the platform's own pods stay closed.
      [gateway, internet, 443, false],
      [grafana, gateway, 9999, false],
    ];
    const wrong = cases
      .map(([from, to, port, expected]) => ({ from, to, port, expected, verdict: connection(policies, from, to, port, 'TCP') }))
      .filter((c) => c.verdict.allowed !== c.expected)
      .map((c) => `${c.from.name} → ${c.to.name}:${c.port} expected ${c.expected ? 'allowed' : 'denied'} (egress ${c.verdict.egress}, ingress ${c.verdict.ingress})`);
    expect(wrong).toEqual([]);
  });

  it('fits the footprint: requests ≤ 3 GiB and ≤ 2 CPUs with kube-prometheus-stack included', () => {
    const rendered = footprint(workloads(objects));
    console.log(formatFootprint('shopwatch-stack, rendered: platform + Jaeger', rendered));
    let kpsCpu = 0;
    let kpsMemory = 0;
    for (const { pod, containers } of kpsPods) {
      let podCpu = 0;
      let podMemory = 0;
      for (const c of containers) {
        const requests = valueAt(ourKps, `${c.resources}.requests`) as { cpu?: string; memory?: string } | undefined;
        expect(requests?.cpu, `${pod}/${c.name}: ${c.resources}.requests.cpu`).toBeDefined();
        expect(requests?.memory, `${pod}/${c.name}: ${c.resources}.requests.memory`).toBeDefined();
        expect(valueAt(ourKps, `${c.resources}.limits.memory`), `${pod}/${c.name} limits`).toBeDefined();
        podCpu += cpu(requests?.cpu);
        podMemory += memory(requests?.memory);
      }
      console.log(`chart footprint (kube-prometheus-stack ${pod}, from our values): requests cpu=${podCpu.toFixed(3)} memory=${(podMemory / 2 ** 20).toFixed(0)}MiB`);
      kpsCpu += podCpu;
      kpsMemory += podMemory;
    }
    const totalCpu = rendered.cpuRequests + kpsCpu;
    const totalMemory = rendered.memoryRequests + kpsMemory;
    console.log(
      `chart footprint (shopwatch-stack, total): ${rendered.pods + kpsPods.length} pods, requests cpu=${totalCpu.toFixed(2)} memory=${(totalMemory / 2 ** 30).toFixed(2)}GiB`,
    );
    expect(totalMemory).toBeLessThanOrEqual(3 * 2 ** 30);
    expect(totalCpu).toBeLessThanOrEqual(2);
  });

  describe('render-time checks', () => {
    /** Renders with `args`; expects a failure naming `expected`, then applies the printed fix and expects success. */
    async function failsThenFixed(release: string, args: string[], expected: string[]) {
      const bad = await helmStack(stack, ['template', release, '{chart}', '-n', NAMESPACE, ...args], { allowFailure: true });
      expect(bad.exitCode, `${args.join(' ')} should fail`).not.toBe(0);
      for (const text of expected) expect(bad.stderr).toContain(text);
      const fixes = [...bad.stderr.matchAll(/Fix: ((?:--set \S+ ?)+)/g)].flatMap((m) => (m[1] ?? '').trim().split(/\s+/));
      expect(fixes.length).toBeGreaterThan(0);
      const fixed = await helmStack(stack, ['template', release, '{chart}', '-n', NAMESPACE, ...args, ...fixes], { allowFailure: true });
      expect(fixed.exitCode, `${[...args, ...fixes].join(' ')}: ${fixed.stderr}`).toBe(0);
    }

    it('refuses a release name the release labels and OTLP endpoint do not match', async () => {
      await failsThenFixed('shop', [], [
        'release label',
        '--set shopwatch.observability.release=shop --set shopwatch.shopwatch-operator.operator.defaultRelease=shop',
        '--set shopwatch.telemetry.otlpEndpoint=http://shop-jaeger:4318',
      ]);
    }, 120_000);

    it('refuses a retention shorter than the longest SLO window + 1d', async () => {
      await failsThenFixed(RELEASE, ['--set', `${KPS}.prometheus.prometheusSpec.retention=30d`], [
        'retention',
        '(observability.defaultSlos availability: 30d)',
        `--set ${KPS}.prometheus.prometheusSpec.retention=31d`,
      ]);
      // Weeks count: 4w = 28d is short, 5w = 35d is enough. (The platform's schema allows SLO
      // windows of 28d and 30d only, so the longest window cannot be raised here.)
      await failsThenFixed(RELEASE, ['--set', `${KPS}.prometheus.prometheusSpec.retention=4w`], ['retention="4w"', `retention=31d`]);
      const weeks = await helmStack(stack, ['template', RELEASE, '{chart}', '-n', NAMESPACE, '--set', `${KPS}.prometheus.prometheusSpec.retention=5w`], { allowFailure: true });
      expect(weeks.exitCode, weeks.stderr).toBe(0);
      // Not a duration at all.
      await failsThenFixed(RELEASE, ['--set', `${KPS}.prometheus.prometheusSpec.retention=a-month`], ['retention="a-month"']);
      // Hours count as well as days: 744h = 31d.
      const hours = await helmStack(stack, ['template', RELEASE, '{chart}', '-n', NAMESPACE, '--set', `${KPS}.prometheus.prometheusSpec.retention=744h`], { allowFailure: true });
      expect(hours.exitCode, hours.stderr).toBe(0);
    }, 180_000);

    it('refuses a Grafana admin Secret other than the one this chart makes', async () => {
      await failsThenFixed(RELEASE, ['--set', `${KPS}.grafana.admin.existingSecret=grafana-admin`], [
        'Grafana admin Secret',
        `--set ${KPS}.grafana.admin.existingSecret=${RELEASE}-grafana-admin`,
      ]);
      await failsThenFixed(RELEASE, ['--set', `${KPS}.grafana.admin.passwordKey=password`], ['keys "admin-user", "password"']);
      // Bringing your own Secret turns the check off.
      const own = await helmStack(stack, ['template', RELEASE, '{chart}', '-n', NAMESPACE, '--set', 'grafanaAdmin.create=false', '--set', `${KPS}.grafana.admin.existingSecret=mine`], {
        allowFailure: true,
      });
      expect(own.exitCode, own.stderr).toBe(0);
      expect(parseManifests(own.stdout).map((o) => `${o.kind ?? ''}/${o.metadata?.name ?? ''}`)).not.toContain(`Secret/${RELEASE}-grafana-admin`);
    }, 180_000);

    it('rejects a misspelt key in our sections, naming it (the platform section by its own schema)', async () => {
      for (const [set, message] of [
        ['jaeger.maxTrace=5', "at '/jaeger': additional properties 'maxTrace' not allowed"],
        ['grafanaAdmin.usr=x', "at '/grafanaAdmin': additional properties 'usr' not allowed"],
        ['jager.enabled=false', "additional properties 'jager' not allowed"],
        ['shopwatch.observabilty.release=x', "additional properties 'observabilty' not allowed"],
      ] as const) {
        const result = await helmStack(stack, ['template', RELEASE, '{chart}', '--set', set], { allowFailure: true });
        expect(result.exitCode, set).not.toBe(0);
        expect(result.stderr, set).toContain(message);
      }
    }, 180_000);
  });

  it('prints the port-forward commands and how to read the Grafana password', async () => {
    const { stdout } = await helmStack(stack, ['install', RELEASE, '{chart}', '-n', NAMESPACE, '--dry-run=client']);
    const notes = stdout.slice(stdout.indexOf('NOTES:'));
    expect(notes).toContain(`kubectl -n ${NAMESPACE} port-forward svc/${RELEASE}-gateway 8080:8080`);
    expect(notes).toContain(`kubectl -n ${NAMESPACE} port-forward svc/${RELEASE}-grafana 3000:80`);
    expect(notes).toContain(`kubectl -n ${NAMESPACE} get secret ${RELEASE}-grafana-admin -o jsonpath='{.data.admin-password}' | base64 -d`);
    // The names printed are the names rendered.
    expect(objects.some((o) => o.kind === 'Service' && o.metadata?.name === `${RELEASE}-gateway`)).toBe(true);
  }, 120_000);

  describe('against the local API server', () => {
    const ns = useNamespace('stack-render', {
      labels: { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/warn': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'latest' },
    });

    it("accepts this chart's own objects in a server-side dry run, without a Pod Security warning", async () => {
      const own = ownObjects(await renderStack(stack, RELEASE, ns.name));
      expect(own.map((o) => o.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'NetworkPolicy', 'NetworkPolicy', 'Secret', 'Service', 'ServiceAccount']);
      const input = own.map((o) => stringify(o)).join('---\n');
      const result = await kubectl(['apply', '--server-side', '--dry-run=server', '--field-manager=stack-render-test', '-n', ns.name, '-f', '-'], {
        input,
        allowFailure: true,
        timeoutMs: 120_000,
      });
      expect(result.exitCode, result.stderr).toBe(0);
      expect(result.stderr).not.toMatch(/would violate PodSecurity/);
      expect(result.stdout.split('\n').filter((l) => l.includes('serverside-applied')).length).toBe(own.length);
    }, 180_000);

    it("keeps Grafana's admin password across upgrades: the render reads the Secret back (lookup)", async () => {
      const render = async () => {
        const { stdout } = await helmStack(stack, ['template', RELEASE, '{chart}', '-n', ns.name, '--dry-run=server'], { kubeconfig: kubeconfigPath() });
        const secret: Manifest | undefined = parseManifests(stdout).find((o) => o.kind === 'Secret' && o.metadata?.name === `${RELEASE}-grafana-admin`);
        return Buffer.from(secret?.data?.['admin-password'] ?? '', 'base64').toString();
      };
      // No Secret yet (an install): a new password each render.
      const first = await render();
      expect(first).toMatch(/^[A-Za-z0-9]{32}$/);
      expect(await render()).not.toBe(first);
      // The Secret an earlier revision of the release made (Helm's ownership marks on it).
      const earlier = {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
          name: `${RELEASE}-grafana-admin`,
          namespace: ns.name,
          labels: { 'app.kubernetes.io/managed-by': 'Helm' },
          annotations: { 'meta.helm.sh/release-name': RELEASE, 'meta.helm.sh/release-namespace': ns.name },
        },
        stringData: { 'admin-user': 'admin', 'admin-password': first },
      };
      await kubectl(['apply', '-n', ns.name, '-f', '-'], { input: JSON.stringify(earlier) });
      expect(await render()).toBe(first);
      expect(await render()).toBe(first);
    }, 180_000);
  });
});
