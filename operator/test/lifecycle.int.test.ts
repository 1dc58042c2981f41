// The operator against the real local control plane: what it makes, how it follows changes,
// how it repairs tampering, how it reports bad input, and that deletion cleans up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubernetesObject } from '@kubernetes/client-node';
import {
  apply,
  apiRejection,
  deleteObject,
  listObjects,
  readObject,
  useNamespace,
  waitFor,
  waitForCondition,
  waitForGone,
  type ObjectRef,
} from '@shopwatch/testkit';
import type { ServiceObservability } from '../src/api/v1alpha1.ts';
import { exampleSpec, installCrd, outputRefs, resourceRef, serviceObservability } from './support/fixtures.ts';
import { OperatorProcess } from './support/operator-process.ts';

interface Owned extends KubernetesObject {
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}

interface EventObject extends KubernetesObject {
  type: string;
  reason: string;
  note?: string;
  regarding?: { name?: string; uid?: string };
}

const ns = useNamespace('op-lifecycle');
let operator: OperatorProcess;

beforeAll(async () => {
  await installCrd();
  operator = await OperatorProcess.start({ namespaces: [ns.name] });
});

afterAll(async () => {
  if (operator) expect(await operator.stop(), operator.describe()).toBe(0);
});

async function events(name: string): Promise<EventObject[]> {
  const all = await listObjects<EventObject>('events.k8s.io/v1', 'Event', { namespace: ns.name });
  return all.filter((e) => e.regarding?.name === name);
}

async function read<T extends KubernetesObject>(ref: ObjectRef): Promise<T> {
  const object = await readObject<T>(ref);
  if (!object) throw new Error(`${ref.kind} ${ref.name} does not exist`);
  return object;
}

function intervalOf(monitor: Owned): unknown {
  return (monitor.spec?.endpoints as Array<{ interval?: string }> | undefined)?.[0]?.interval;
}

describe('a valid ServiceObservability', () => {
  const name = 'catalog';
  const outputs = () => outputRefs(ns.name, name);

  it('gets a ServiceMonitor, PrometheusRule and dashboard ConfigMap with owner, labels and True conditions', async () => {
    await apply(serviceObservability(ns.name, name, exampleSpec('catalog')));
    const resource = await waitForCondition<ServiceObservability>(resourceRef(ns.name, name), 'Ready', { timeoutMs: 30_000 });

    expect(resource.status?.observedGeneration).toBe(resource.metadata.generation);
    for (const type of ['ScrapeReady', 'RulesReady', 'DashboardReady']) {
      expect(resource.status?.conditions?.find((c) => c.type === type), type).toMatchObject({ status: 'True' });
    }
    for (const ref of Object.values(outputs())) {
      const object = await read<Owned>(ref);
      expect(object.metadata?.labels, ref.kind).toMatchObject({
        'app.kubernetes.io/managed-by': 'shopwatch-operator',
        'observability.shopwatch.dev/owner': name,
        release: 'kube-prometheus-stack',
      });
      expect(object.metadata?.ownerReferences, ref.kind).toEqual([
        expect.objectContaining({ kind: 'ServiceObservability', name, uid: resource.metadata.uid, controller: true }),
      ]);
      const managers = (object.metadata?.managedFields ?? []).map((m) => `${m.manager}:${m.operation}`);
      expect(managers, ref.kind).toContain('shopwatch-operator:Apply');
    }
    const dashboard = await read<Owned>(outputs().dashboard);
    expect(dashboard.metadata?.labels?.grafana_dashboard).toBe('1');
    expect(Object.keys(dashboard.data ?? {}).some((key) => key.endsWith('.json'))).toBe(true);

    const created = await waitFor('a Created event', async () => (await events(name)).find((e) => e.reason === 'Created'));
    for (const kind of ['ServiceMonitor', 'PrometheusRule', 'ConfigMap']) expect(created.note).toContain(kind);
  });

  it('follows updates of the spec', async () => {
    await apply(
      serviceObservability(
        ns.name,
        name,
        exampleSpec('catalog', {
          service: { name: 'catalog', selector: { matchLabels: { 'app.kubernetes.io/name': 'catalog' } }, metrics: { port: 'http', interval: '15s' } },
          alerts: [
            ...(exampleSpec('catalog').alerts ?? []),
            { name: 'CatalogSearchSlow', expr: 'histogram_quantile(0.99, sum by (le) (rate(http_server_request_duration_seconds_bucket{route="/search"}[5m]))) > 1', severity: 'warning', summary: 'Search is slow', description: 'p99 of /search is above 1 s.' },
          ],
        }),
      ),
    );
    await waitFor('ServiceMonitor interval 15s', async () => intervalOf(await read<Owned>(outputs().serviceMonitor)) === '15s', { timeoutMs: 20_000 });
    await waitFor('PrometheusRule with the new alert', async () => JSON.stringify(await read<Owned>(outputs().prometheusRule)).includes('CatalogSearchSlow'), {
      timeoutMs: 20_000,
    });
    const resource = await read<ServiceObservability>(resourceRef(ns.name, name));
    await waitFor('observedGeneration to follow', async () => {
      const current = await read<ServiceObservability>(resourceRef(ns.name, name));
      return current.status?.observedGeneration === resource.metadata.generation;
    });
  });

  it('reverts a manual edit of an output within 10 s', async () => {
    const before = await read<Owned>(outputs().serviceMonitor);
    // The object as stored by this edit (the operator may revert it before a second read).
    const edited: Owned = await apply<Owned>(
      {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'ServiceMonitor',
        metadata: { name, namespace: ns.name, labels: { release: 'tampered' } },
        spec: { endpoints: [{ port: 'http', interval: '5m' }] },
      },
      { fieldManager: 'someone-with-kubectl', force: true },
    );
    expect(intervalOf(edited)).toBe('5m');
    expect(edited.metadata?.labels?.release).toBe('tampered');
    expect(edited.metadata?.resourceVersion).not.toBe(before.metadata?.resourceVersion);
    await waitFor('ServiceMonitor interval restored to 15s', async () => intervalOf(await read<Owned>(outputs().serviceMonitor)) === '15s', {
      timeoutMs: 10_000,
    });
    expect((await read<Owned>(outputs().serviceMonitor)).metadata?.labels?.release).toBe('kube-prometheus-stack');
    const updated = await waitFor('an Updated event naming the reverted field', async () =>
      (await events(name)).find((e) => e.reason === 'Updated' && (e.note ?? '').includes('metadata.labels.release')),
    );
    expect(updated.type).toBe('Normal');
  });

  it('recreates a deleted output within 10 s', async () => {
    const before = await read<Owned>(outputs().prometheusRule);
    await deleteObject(outputs().prometheusRule);
    const recreated = await waitFor(
      'PrometheusRule recreated',
      async () => {
        const now = await readObject<Owned>(outputs().prometheusRule);
        return now && now.metadata?.uid !== before.metadata?.uid ? now : undefined;
      },
      { timeoutMs: 10_000 },
    );
    expect(JSON.stringify(recreated.spec)).toBe(JSON.stringify(before.spec));
  });

  it('removes its outputs through garbage collection when the resource is deleted', async () => {
    await deleteObject(resourceRef(ns.name, name));
    for (const ref of Object.values(outputs())) await waitForGone(ref, { timeoutMs: 30_000 });
  });
});

describe('invalid input', () => {
  it('is rejected at admission with the CRD rule message', async () => {
    const badObjective = await apiRejection(
      apply(serviceObservability(ns.name, 'bad-objective', exampleSpec('x', { slos: [{ name: 'a', objective: '100', window: '30d', availability: {} }] }))),
    );
    expect(badObjective.statusCode).toBe(422);
    expect(badObjective.message).toContain('objective must be a percentage strictly between 0 and 100');

    const twoKinds = await apiRejection(
      apply(
        serviceObservability(
          ns.name,
          'bad-sli',
          exampleSpec('x', { slos: [{ name: 'a', objective: '99', window: '30d', availability: {}, latency: { thresholdSeconds: '0.3' } }] }),
        ),
      ),
    );
    expect(twoKinds.message).toContain('exactly one SLI kind');
    expect(await readObject(resourceRef(ns.name, 'bad-sli'))).toBeUndefined();
  });

  it('with bad PromQL is Ready=False with the parse error and an Event, while a valid neighbour stays Ready', async () => {
    const good = 'neighbour';
    const bad = 'broken-promql';
    await apply(serviceObservability(ns.name, good, exampleSpec('neighbour')));
    await apply(
      serviceObservability(
        ns.name,
        bad,
        exampleSpec('broken', {
          alerts: [{ name: 'Broken', expr: 'sum(rate(http_requests_total[5m])', severity: 'critical', summary: 's', description: 'd' }],
        }),
      ),
    );
    const broken = await waitForCondition<ServiceObservability>(resourceRef(ns.name, bad), 'Ready', { status: 'False', timeoutMs: 30_000 });
    const ready = broken.status?.conditions?.find((c) => c.type === 'Ready');
    const rules = broken.status?.conditions?.find((c) => c.type === 'RulesReady');
    expect(ready?.reason).toBe('InvalidPromQL');
    expect(rules).toMatchObject({ status: 'False', reason: 'InvalidPromQL' });
    expect(rules?.message).toContain('spec.alerts[0].expr');
    // Only the rules are blocked: scraping is still configured, and no invalid rule was written.
    expect(broken.status?.conditions?.find((c) => c.type === 'ScrapeReady')?.status).toBe('True');
    expect(await readObject(outputRefs(ns.name, bad).serviceMonitor)).toBeDefined();
    expect(await readObject(outputRefs(ns.name, bad).prometheusRule)).toBeUndefined();

    const warning = await waitFor('a Warning event for the broken resource', async () =>
      (await events(bad)).find((e) => e.type === 'Warning' && e.reason === 'InvalidPromQL'),
    );
    expect(warning.note).toContain('spec.alerts[0].expr');

    await waitForCondition(resourceRef(ns.name, good), 'Ready', { timeoutMs: 30_000 });
    expect(await readObject(outputRefs(ns.name, good).prometheusRule)).toBeDefined();

    // Fixing the expression makes it Ready and writes the rules.
    await apply(serviceObservability(ns.name, bad, exampleSpec('broken')));
    await waitForCondition(resourceRef(ns.name, bad), 'Ready', { timeoutMs: 30_000 });
    expect(await readObject(outputRefs(ns.name, bad).prometheusRule)).toBeDefined();
  });
});

describe('the operator process', () => {
  it('serves liveness, readiness and its metrics', async () => {
    expect((await operator.get('/livez')).status).toBe(200);
    expect((await operator.get('/readyz')).status).toBe(200);
    const text = await operator.metrics();
    for (const metric of [
      'shopwatch_operator_reconciles_total',
      'shopwatch_operator_reconcile_duration_seconds_bucket',
      'shopwatch_operator_queue_depth',
      'shopwatch_operator_managed_objects',
      'shopwatch_operator_generation_failures_total',
      'shopwatch_operator_api_writes_total',
    ]) {
      expect(text, metric).toContain(metric);
    }
    expect(await operator.metric('shopwatch_operator_reconciles_total', { result: 'success' })).toBeGreaterThan(0);
    expect(await operator.metric('shopwatch_operator_generation_failures_total', { reason: 'InvalidPromQL' })).toBeGreaterThan(0);
    expect(await operator.metric('shopwatch_operator_api_writes_total', { kind: 'ServiceMonitor', verb: 'apply' })).toBeGreaterThan(0);
  });
});
