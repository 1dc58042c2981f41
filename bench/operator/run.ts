// Benchmark: the operator with 500 ServiceObservability resources on the local control plane.
//
//   1. baseline — the same API work without the operator: server-side apply of every output the
//      500 resources need, straight from this process (same builders, same concurrency);
//   2. cold start — 500 resources exist, the operator starts: time until all are Ready, API
//      writes per resource (its own counter), RSS once settled and at peak;
//   3. restart — the operator is stopped and started again: writes it makes for the unchanged
//      resources (target 0) and how long the resync takes.
// Ends with one line: `bench operator: key=value ...`. Run with `make bench-operator`.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { buildDesired, collectionPath, KubeClient, objectPath, outputTypeOf, SERVICE_OBSERVABILITY, type ServiceObservability } from '@shopwatch/operator';

const root = fileURLToPath(new URL('../../', import.meta.url));
const COUNT = Number(process.env.BENCH_RESOURCES ?? 500);
const CONCURRENCY = 4;
const TARGETS = { allReadySeconds: 60, restartWrites: 0, rssMb: 150 };
/**
 * The operator runs as in its image (operator/Dockerfile): the same NODE_OPTIONS and a warm
 * compile cache (the image fills it at build time; here `--help` fills it before the run).
 */
const OPERATOR_ENV = {
  NODE_OPTIONS: '--max-semi-space-size=2 --max-old-space-size=96',
  NODE_COMPILE_CACHE: path.join(root, '.local', 'node-compile-cache'),
};
const mainScript = path.join(root, 'operator', 'src', 'main.ts');
const settings = {
  defaultRelease: 'kube-prometheus-stack',
  dashboardLabel: 'grafana_dashboard',
  folderAnnotation: 'grafana_folder',
  grafanaUrl: 'http://localhost:3000',
  runbookBaseUrl: 'https://shopwatch.dev/runbooks',
};

const client = await KubeClient.connect(process.env.KUBECONFIG);
const log = (message: string): void => console.log(`[bench operator] ${message}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function apply(object: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } }, pathname: string): Promise<void> {
  await client.request(pathname, { method: 'PATCH', query: { fieldManager: 'shopwatch-bench', force: true }, contentType: 'application/apply-patch+yaml', body: object });
}

async function inParallel<T>(items: T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

function spec(i: number): ServiceObservability['spec'] {
  const name = `svc-${i}`;
  return {
    service: { name, selector: { matchLabels: { 'app.kubernetes.io/name': name } }, metrics: { port: 'http', interval: '30s' } },
    slos: [
      { name: 'availability', objective: '99.5', window: '30d', availability: {} },
      { name: 'latency', objective: '99', window: '28d', latency: { thresholdSeconds: '0.3' } },
    ],
    dashboard: {
      business: [{ title: 'Orders per minute', expr: `sum(rate(shop_orders_total{service="${name}"}[$__rate_interval])) * 60`, unit: 'short' }],
    },
    alerts: [{ name: 'NoTraffic', expr: `sum(rate(http_server_request_duration_seconds_count{service="${name}"}[10m])) == 0`, for: '10m', severity: 'warning', summary: 'No traffic', description: 'No requests for 10 minutes.' }],
  };
}

function resource(namespace: string, i: number): ServiceObservability {
  return {
    apiVersion: 'observability.shopwatch.dev/v1alpha1',
    kind: 'ServiceObservability',
    metadata: { name: `svc-${i}`, namespace } as ServiceObservability['metadata'],
    spec: spec(i),
  };
}

async function installCrd(): Promise<void> {
  const dir = path.join(root, 'charts', 'shopwatch-operator', 'crds');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
    for (const doc of parseAllDocuments(readFileSync(path.join(dir, file), 'utf8'))) {
      const crd = doc.toJS() as { apiVersion: string; kind: string; metadata: { name: string } };
      await apply(crd, `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}`);
    }
  }
}

async function createNamespace(name: string): Promise<void> {
  await client.request('/api/v1/namespaces', { method: 'POST', body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'shopwatch.dev/bench': 'operator' } } } });
}

async function deleteNamespace(name: string): Promise<void> {
  await client.request(`/api/v1/namespaces/${name}`, { method: 'DELETE' }).catch(() => undefined);
}

interface Operator {
  child: ChildProcess;
  port: number;
}

async function startOperator(namespace: string): Promise<Operator> {
  const child = spawn(process.execPath, [mainScript, `--namespaces=${namespace}`, '--bind-address=127.0.0.1', '--port=0', '--log-level=info'], {
    cwd: root,
    env: { ...process.env, ...OPERATOR_ENV },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => process.stderr.write(chunk));
  const port = await new Promise<number>((resolve, reject) => {
    let buffer = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      buffer += chunk;
      const match = /"port":(\d+)[^\n]*"msg":"operator starting"/.exec(buffer);
      if (match) resolve(Number(match[1]));
      if (buffer.length > 1_000_000) buffer = buffer.slice(-10_000);
    });
    child.on('exit', (code) => reject(new Error(`operator exited with ${code}`)));
  });
  return { child, port };
}

async function stopOperator(operator: Operator): Promise<void> {
  const exited = new Promise((resolve) => operator.child.on('exit', resolve));
  operator.child.kill('SIGTERM');
  await exited;
}

async function metrics(operator: Operator): Promise<string> {
  return (await fetch(`http://127.0.0.1:${operator.port}/metrics`)).text();
}

function sample(text: string, name: string, filter: (labels: string) => boolean = () => true): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)(\{[^}]*\})?\s+(\S+)$/.exec(line);
    if (match && match[1] === name && filter(match[2] ?? '')) sum += Number(match[3]);
  }
  return sum;
}

/** Writes to the resources and their outputs: everything but the leader Lease and Events. */
const objectWrites = (text: string): number =>
  sample(text, 'shopwatch_operator_api_writes_total', (labels) => !labels.includes('kind="Lease"') && !labels.includes('kind="Event"'));

function rssMb(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

async function readyCount(namespace: string): Promise<number> {
  // resourceVersion=0: served from the API server's watch cache, so polling stays cheap.
  const list = await client.request<{ items: ServiceObservability[] }>(collectionPath(SERVICE_OBSERVABILITY, namespace), { query: { resourceVersion: '0' } });
  return list.items.filter((item) => {
    const ready = item.status?.conditions?.find((c) => c.type === 'Ready');
    return ready?.status === 'True' && item.status?.observedGeneration === item.metadata.generation;
  }).length;
}

/** Waits until the operator has nothing queued and its write counter stopped moving. */
async function settle(operator: Operator): Promise<string> {
  let previous = -1;
  for (;;) {
    const text = await metrics(operator);
    const writes = objectWrites(text);
    if (sample(text, 'shopwatch_operator_queue_depth') === 0 && writes === previous) return text;
    previous = writes;
    await sleep(1000);
  }
}

async function warmCompileCache(): Promise<void> {
  const child = spawn(process.execPath, [mainScript, '--help'], { cwd: root, env: { ...process.env, ...OPERATOR_ENV }, stdio: 'ignore' });
  await new Promise((resolve) => child.on('exit', resolve));
}

async function main(): Promise<void> {
  await warmCompileCache();
  const stamp = Date.now().toString(36);
  const baselineNs = `bench-op-base-${stamp}`;
  const ns = `bench-op-${stamp}`;
  await installCrd();
  await createNamespace(baselineNs);
  await createNamespace(ns);
  let operator: Operator | undefined;
  try {
    // 1. Baseline: the outputs applied directly (no owner references: there is no owner here).
    const outputs = Array.from({ length: COUNT }, (_, i) => {
      const desired = buildDesired({ ...resource(baselineNs, i), metadata: { name: `svc-${i}`, namespace: baselineNs, uid: `bench-${i}` } }, settings);
      return desired.outputs.map(({ object }) => ({ ...object, metadata: { ...object.metadata, ownerReferences: undefined } }));
    }).flat();
    log(`baseline: applying ${outputs.length} output objects directly`);
    const baselineStart = performance.now();
    await inParallel(outputs, async (object) => {
      const type = outputTypeOf(object.apiVersion, object.kind);
      if (!type) throw new Error(`unknown output kind ${object.kind}`);
      await apply(object, objectPath(type, baselineNs, object.metadata.name));
    });
    const baselineSeconds = (performance.now() - baselineStart) / 1000;
    log(`baseline took ${baselineSeconds.toFixed(1)} s`);
    await deleteNamespace(baselineNs);

    // 2. Cold start with COUNT resources waiting.
    log(`creating ${COUNT} ServiceObservability resources`);
    await inParallel(
      Array.from({ length: COUNT }, (_, i) => i),
      (i) => apply(resource(ns, i), objectPath(SERVICE_OBSERVABILITY, ns, `svc-${i}`)),
    );
    log('starting the operator');
    const started = performance.now();
    operator = await startOperator(ns);
    let ready = 0;
    let peakDuringRun = 0;
    while (ready < COUNT) {
      await sleep(500);
      ready = await readyCount(ns);
      peakDuringRun = Math.max(peakDuringRun, rssMb(operator.child.pid ?? 0).rss);
      if (Math.round((performance.now() - started) / 1000) % 10 === 0) log(`${ready}/${COUNT} Ready, operator RSS ${Math.round(peakDuringRun)} MB`);
    }
    const allReadySeconds = (performance.now() - started) / 1000;
    log(`all ${COUNT} Ready after ${allReadySeconds.toFixed(1)} s`);
    const settled = await settle(operator);
    const writes = objectWrites(settled);
    const { rss, peak } = rssMb(operator.child.pid ?? 0);
    const reconciles = sample(settled, 'shopwatch_operator_reconciles_total');
    const heapMb = sample(settled, 'shopwatch_operator_nodejs_heap_size_used_bytes') / 1024 / 1024;

    // 3. Restart: the same resources, unchanged.
    await stopOperator(operator);
    const restarted = performance.now();
    operator = await startOperator(ns);
    let afterRestart = await metrics(operator);
    while (sample(afterRestart, 'shopwatch_operator_reconciles_total') < COUNT || sample(afterRestart, 'shopwatch_operator_queue_depth') > 0) {
      await sleep(250);
      afterRestart = await metrics(operator);
    }
    const resyncSeconds = (performance.now() - restarted) / 1000;
    afterRestart = await settle(operator);
    const restartWrites = objectWrites(afterRestart);
    await stopOperator(operator);

    const rssMbRounded = Math.round(Math.max(peak, peakDuringRun));
    const met = allReadySeconds <= TARGETS.allReadySeconds && restartWrites === TARGETS.restartWrites && rssMbRounded <= TARGETS.rssMb;
    const fields = {
      resources: COUNT,
      all_ready_s: allReadySeconds.toFixed(1),
      baseline_apply_s: baselineSeconds.toFixed(1),
      ratio_vs_baseline: (allReadySeconds / baselineSeconds).toFixed(2),
      writes_per_resource: (writes / COUNT).toFixed(2),
      reconciles_per_resource: (reconciles / COUNT).toFixed(2),
      rss_mb: Math.round(rss),
      peak_rss_mb: Math.round(Math.max(peak, peakDuringRun)),
      heap_used_mb: Math.round(heapMb),
      restart_writes: restartWrites,
      restart_resync_s: resyncSeconds.toFixed(1),
      targets_met: met,
    };
    console.log(`bench operator: ${Object.entries(fields).map(([k, v]) => `${k}=${String(v)}`).join(' ')}`);
    if (!met) process.exitCode = 1;
  } finally {
    if (operator && operator.child.exitCode === null) operator.child.kill('SIGKILL');
    await deleteNamespace(baselineNs);
    await deleteNamespace(ns);
    client.close();
  }
}

await main();
