// Benchmark: charts/shopwatch installed on the local cluster's real node (kubelet + containerd),
// its real footprint against what it asks for.
//
//   1. install — `helm upgrade --install` into a namespace enforcing Pod Security `restricted`;
//      seconds until every pod is Ready;
//   2. idle — loadgen at rate 0, settled: every container's RSS and working set, read from the
//      kubelet's own stats (the API server's node proxy to /stats/summary);
//   3. load — loadgen at BENCH_RATE journeys/s for BENCH_LOAD_S seconds, sampled every 10 s:
//      peak RSS and mean CPU per container, and the journeys loadgen completed.
// Prints a table per pod (requests and limits from the live pod specs beside the measurements),
// ratios of the measured totals to the requested ones, then one line `bench chart: key=value ...`.
// Run with `make bench-chart` (it builds and loads the images first). No assertion on numbers.
import path from 'node:path';
import type { V1Pod } from '@kubernetes/client-node';
import { createNamespace, deleteNamespace, helm, kubectl, loadKubeConfig, loadShopImages, rawRequest, repoRoot, waitFor } from '@shopwatch/testkit';
// eslint-disable-next-line shopwatch/no-cross-workspace-import -- the chart helpers are test/charts' own; to move into @shopwatch/testkit
import { cpu, memory } from '../../test/charts/support/chart.ts';

const root = repoRoot();
const NAMESPACE = process.env.BENCH_NAMESPACE ?? 'bench-chart';
const RELEASE = 'bench';
const RATE = Number(process.env.BENCH_RATE ?? 5);
const LOAD_SECONDS = Number(process.env.BENCH_LOAD_S ?? 60);
const SETTLE_SECONDS = Number(process.env.BENCH_SETTLE_S ?? 30);
const SAMPLE_EVERY_MS = 10_000;
const MiB = 1024 * 1024;

const log = (message: string): void => console.log(`[bench chart] ${message}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface ContainerStats {
  name: string;
  memory?: { rssBytes?: number; workingSetBytes?: number };
  cpu?: { usageNanoCores?: number };
}
interface StatsSummary {
  pods?: { podRef: { name: string; namespace: string }; containers?: ContainerStats[] }[];
}

interface Sample {
  rss: number;
  workingSet: number;
  cores: number;
}

/** One reading of every container of the namespace, keyed `pod/container`. */
async function readStats(node: string): Promise<Map<string, Sample>> {
  const { stdout } = await kubectl(['get', '--raw', `/api/v1/nodes/${node}/proxy/stats/summary`]);
  const summary = JSON.parse(stdout) as StatsSummary;
  const out = new Map<string, Sample>();
  for (const pod of summary.pods ?? []) {
    if (pod.podRef.namespace !== NAMESPACE) continue;
    for (const container of pod.containers ?? []) {
      out.set(`${pod.podRef.name}/${container.name}`, {
        rss: container.memory?.rssBytes ?? 0,
        workingSet: container.memory?.workingSetBytes ?? 0,
        cores: (container.cpu?.usageNanoCores ?? 0) / 1e9,
      });
    }
  }
  return out;
}

async function pods(): Promise<V1Pod[]> {
  const { stdout } = await kubectl(['get', 'pods', '-n', NAMESPACE, '-o', 'json']);
  return (JSON.parse(stdout) as { items: V1Pod[] }).items;
}


/** Loadgen's Service, through the API server's service proxy (no port-forward needed). */
async function loadgenProxy(pathname: string): Promise<string> {
  const { stdout } = await kubectl(['get', 'services', '-n', NAMESPACE, '-l', 'app.kubernetes.io/name=loadgen', '-o', 'jsonpath={.items[0].metadata.name}']);
  return `/api/v1/namespaces/${NAMESPACE}/services/http:${stdout.trim()}:http/proxy${pathname}`;
}

/** Steers loadgen at run time (its PUT /control): the pod keeps running, as a user would steer it. */
async function setRate(rate: number): Promise<void> {
  await rawRequest(loadKubeConfig(), await loadgenProxy('/control'), { method: 'PUT', body: { rate } });
}

/** Scenarios (shopper journeys) loadgen has finished, from its own metrics. */
async function journeysDone(): Promise<number> {
  const { stdout } = await kubectl(['get', '--raw', await loadgenProxy('/metrics')]);
  let total = 0;
  for (const line of stdout.split('\n')) {
    if (line.startsWith('shop_loadgen_scenarios_total{')) total += Number(line.split(' ').at(-1));
  }
  return total;
}

const mb = (bytes: number) => (bytes / MiB).toFixed(0);

await loadShopImages();
await deleteNamespace(NAMESPACE).catch(() => undefined);
await waitFor('old namespace gone', async () => (await kubectl(['get', 'namespace', NAMESPACE], { allowFailure: true })).exitCode !== 0, { timeoutMs: 180_000, intervalMs: 1_000 });
await createNamespace(NAMESPACE, { labels: { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'latest' } });

try {
  const installStarted = performance.now();
  await helm(
    ['upgrade', '--install', RELEASE, path.join(root, 'charts', 'shopwatch'), '-n', NAMESPACE, '-f', path.join(root, 'charts', 'shopwatch', 'values-local.yaml'), '--set', 'loadgen.rate=0', '--wait', '--timeout', '15m'],
    { timeoutMs: 960_000 },
  );
  const installSeconds = (performance.now() - installStarted) / 1000;
  log(`installed, every pod Ready, in ${installSeconds.toFixed(0)} s`);

  const live = (await pods()).filter((pod) => pod.status?.phase === 'Running');
  const node = live[0]?.spec?.nodeName;
  if (!node) throw new Error('no running pod of the release');

  await sleep(SETTLE_SECONDS * 1000);
  const idle = await readStats(node);

  await setRate(RATE);
  const journeysBefore = await journeysDone();
  const peak = new Map<string, Sample>();
  const cpuSum = new Map<string, number>();
  let samples = 0;
  const loadStarted = performance.now();
  while (performance.now() - loadStarted < LOAD_SECONDS * 1000) {
    await sleep(SAMPLE_EVERY_MS);
    samples += 1;
    for (const [key, sample] of await readStats(node)) {
      const seen = peak.get(key);
      peak.set(key, { rss: Math.max(seen?.rss ?? 0, sample.rss), workingSet: Math.max(seen?.workingSet ?? 0, sample.workingSet), cores: 0 });
      cpuSum.set(key, (cpuSum.get(key) ?? 0) + sample.cores);
    }
  }
  const journeys = (await journeysDone()) - journeysBefore;
  await setRate(0);

  const rows: string[] = [];
  let requested = 0;
  let limited = 0;
  let cpuRequested = 0;
  let idleRss = 0;
  let loadRss = 0;
  let loadCores = 0;
  for (const pod of live.sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''))) {
    for (const container of pod.spec?.containers ?? []) {
      const key = `${pod.metadata?.name}/${container.name}`;
      const request = memory(container.resources?.requests?.memory);
      const limit = memory(container.resources?.limits?.memory);
      const cpuRequest = cpu(container.resources?.requests?.cpu);
      const atRest = idle.get(key)?.rss ?? 0;
      const underLoad = peak.get(key)?.rss ?? 0;
      const cores = (cpuSum.get(key) ?? 0) / Math.max(samples, 1);
      requested += request;
      limited += limit;
      cpuRequested += cpuRequest;
      idleRss += atRest;
      loadRss += underLoad;
      loadCores += cores;
      rows.push(`| ${key} | ${mb(request)} | ${mb(limit)} | ${mb(atRest)} | ${mb(underLoad)} | ${(underLoad / Math.max(limit, 1)).toFixed(2)} | ${(cores * 1000).toFixed(0)} / ${(cpuRequest * 1000).toFixed(0)} |`);
    }
  }
  console.log('| pod/container | request MiB | limit MiB | idle RSS MiB | peak RSS under load MiB | peak/limit | CPU millicores used / requested |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const row of rows) console.log(row);
  console.log(`| **total** | ${mb(requested)} | ${mb(limited)} | ${mb(idleRss)} | ${mb(loadRss)} | ${(loadRss / Math.max(limited, 1)).toFixed(2)} | ${(loadCores * 1000).toFixed(0)} / ${(cpuRequested * 1000).toFixed(0)} |`);
  console.log(
    `bench chart: pods=${live.length} install_s=${installSeconds.toFixed(0)} rate=${RATE} load_s=${LOAD_SECONDS} journeys=${journeys} ` +
      `mem_request_mib=${mb(requested)} idle_rss_mib=${mb(idleRss)} load_rss_mib=${mb(loadRss)} ` +
      `load_rss_over_request=${(loadRss / Math.max(requested, 1)).toFixed(2)} cpu_used_over_request=${(loadCores / Math.max(cpuRequested, 0.001)).toFixed(2)}`,
  );
} finally {
  if (!process.env.BENCH_KEEP) {
    await helm(['uninstall', RELEASE, '-n', NAMESPACE, '--timeout', '120s'], { allowFailure: true });
    await deleteNamespace(NAMESPACE).catch(() => undefined);
  }
}
