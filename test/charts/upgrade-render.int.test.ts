// What a chart upgrade changes, decided at render time: the working tree's chart against the same
// chart with a higher version and appVersion. The pod templates of PostgreSQL, Kafka, Redis and
// of services that keep state in memory (`stateInMemory`) must be identical — a changed template
// replaces the pod and its data — while the stateless services, psp among them since its ledger
// is in PostgreSQL, do roll (their templates carry the version). Without persistence the data StatefulSets never roll ordinal 0 (partition 1).
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { helm, parseManifests } from '@shopwatch/testkit';
import { chartDir, workloads, type Manifest, type Workload } from './support/chart.ts';

const LOCAL = ['-f', path.join(chartDir, 'values-local.yaml')];
let bumpedDir = '';
let work = '';

async function render(dir: string, args: readonly string[] = []): Promise<Workload[]> {
  const { stdout } = await helm(['template', 'r', dir, '--namespace', 'shop', ...args], { kubeconfig: '/dev/null' });
  return workloads(parseManifests(stdout) as Manifest[]).filter((w) => w.kind !== 'Job');
}

const byName = (all: Workload[]) => new Map(all.map((w) => [w.name, w]));

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'shopwatch-chart-'));
  bumpedDir = path.join(work, 'shopwatch');
  // Dereferenced: the operator subchart is a symlink that would not resolve from the copy.
  await cp(chartDir, bumpedDir, { recursive: true, dereference: true });
  const chartYaml = path.join(bumpedDir, 'Chart.yaml');
  const text = await readFile(chartYaml, 'utf8');
  const bumped = text.replace(/^version: .*$/m, 'version: 9.8.7').replace(/^appVersion: .*$/m, 'appVersion: "9.8.7"');
  expect(bumped).not.toBe(text);
  await writeFile(chartYaml, bumped);
}, 60_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('charts/shopwatch across chart versions', () => {
  it('keeps the pod templates of PostgreSQL, Kafka and Redis identical; the stateless services (psp too) roll', async () => {
    const before = byName(await render(chartDir, LOCAL));
    const after = byName(await render(bumpedDir, LOCAL));
    const stable = ['r-shopwatch-postgresql', 'r-shopwatch-kafka', 'r-shopwatch-redis'];
    for (const name of stable) {
      expect(before.get(name), name).toBeDefined();
      expect(after.get(name)?.template, name).toEqual(before.get(name)?.template);
    }
    // The objects themselves still say which chart made them.
    expect(after.get('r-shopwatch-postgresql')?.chart).toBe('shopwatch-9.8.7');
    // A stateless service carries the version in its pod template: an upgrade rolls it.
    expect(after.get('r-shopwatch-gateway')?.template.metadata?.labels?.['app.kubernetes.io/version']).toBe('9.8.7');
    expect(after.get('r-shopwatch-gateway')?.template).not.toEqual(before.get('r-shopwatch-gateway')?.template);
    // psp keeps nothing in its pod (its ledger is in its database): it rolls like the others.
    expect(after.get('r-shopwatch-psp')?.template).not.toEqual(before.get('r-shopwatch-psp')?.template);
  });

  it('makes a service stable with stateInMemory, and only then', async () => {
    const args = [...LOCAL, '--set', 'services.psp.stateInMemory=false', '--set', 'services.orders.stateInMemory=true'];
    const before = byName(await render(chartDir, args));
    const after = byName(await render(bumpedDir, args));
    expect(after.get('r-shopwatch-orders')?.template).toEqual(before.get('r-shopwatch-orders')?.template);
    expect(after.get('r-shopwatch-psp')?.template).not.toEqual(before.get('r-shopwatch-psp')?.template);
  });

  it('never rolls ordinal 0 of the data StatefulSets without persistence (partition 1); rolls them with it', async () => {
    const strategies = async (args: readonly string[]) => {
      const { stdout } = await helm(['template', 'r', chartDir, '--namespace', 'shop', ...args], { kubeconfig: '/dev/null' });
      return Object.fromEntries(
        parseManifests(stdout)
          .filter((o) => o.kind === 'StatefulSet')
          .map((o) => [o.metadata?.name ?? '', (o as Manifest).spec?.updateStrategy]),
      );
    };
    const partition = (n: number) => ({ type: 'RollingUpdate', rollingUpdate: { partition: n } });
    expect(await strategies(LOCAL)).toEqual({ 'r-shopwatch-postgresql': partition(1), 'r-shopwatch-kafka': partition(1) });
    expect(await strategies([])).toEqual({ 'r-shopwatch-postgresql': partition(0), 'r-shopwatch-kafka': partition(0) });
  });
});
