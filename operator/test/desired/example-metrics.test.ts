// Every metric the example resources in k8s/examples query is one the service documents (its
// README's metrics table, or the platform's for the metrics every service has). A panel or SLO
// on a misspelt or renamed series shows "no data" forever and alerts never fire; this catches it
// when a metric is renamed without the examples, or an example is written from memory.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ServiceObservability } from '../../src/api/v1alpha1.ts';
import { metricNames } from '../../src/desired/promql.ts';
import { parseYaml, repoRoot } from '../support/fixtures.ts';

const dir = path.join(repoRoot, 'k8s', 'examples');
const examples = readdirSync(dir)
  .filter((f) => f.endsWith('.serviceobservability.yaml'))
  .flatMap((file) => parseYaml(readFileSync(path.join(dir, file), 'utf8')).map((object) => ({ file, resource: object as ServiceObservability })));

const readme = (folder: string) => readFileSync(path.join(repoRoot, 'services', folder, 'README.md'), 'utf8');
const platformReadme = readme('platform');

/** Histograms are documented by their base name. */
const baseName = (metric: string) => metric.replace(/_(bucket|sum|count)$/, '');

function expressionsOf(resource: ServiceObservability): string[] {
  const spec = resource.spec;
  return [
    ...(spec.slos ?? []).flatMap((slo) => (slo.ratio ? [slo.ratio.good, slo.ratio.total] : [])),
    ...[...(spec.dashboard?.marketing ?? []), ...(spec.dashboard?.business ?? [])].map((panel) => panel.expr),
    ...(spec.alerts ?? []).map((alert) => alert.expr),
  ];
}

describe('metrics used by k8s/examples', () => {
  it('finds expressions to check', () => {
    expect(examples.flatMap(({ resource }) => expressionsOf(resource)).length).toBeGreaterThan(10);
  });

  it.each(examples.map(({ file, resource }) => [file, resource] as const))('%s queries only documented metrics', (_file, resource) => {
    const service = resource.spec.service.name;
    const documented = `${readme(service)}\n${platformReadme}`;
    const undocumented = expressionsOf(resource)
      .flatMap(metricNames)
      .filter((metric) => !documented.includes(`\`${baseName(metric)}\``) && !documented.includes(`\`${metric}\``));
    expect(undocumented).toEqual([]);
  });

  it('extracts metric names through functions, aggregations and Grafana variables', () => {
    expect(metricNames('sum by (le) (rate(shop_a_bucket{namespace="$namespace"}[$__rate_interval])) / max(shop_b) + on() vector(1)')).toEqual(['shop_a_bucket', 'shop_b']);
  });
});
