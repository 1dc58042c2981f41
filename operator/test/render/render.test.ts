// make dashboards: the spec files of charts/shopwatch/observability/ become valid resources, every
// one builds without a problem, and the test profile divides every duration the drills depend on.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderAll } from '../../src/render/render.ts';
import { scaleExprRanges, scaleRuleGroups } from '../../src/render/profile.ts';
import { loadSpec } from '../../src/render/specs.ts';
import { dashboardSchemaProblems } from './grafana-schema.ts';

const here = dirname(fileURLToPath(import.meta.url));
const SPECS = join(here, '../../../charts/shopwatch/observability');
const CRD = join(here, '../../../charts/shopwatch-operator/crds/serviceobservabilities.observability.shopwatch.dev.yaml');

function specs() {
  return readdirSync(SPECS)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => loadSpec(f.replace(/\.yaml$/, ''), parse(readFileSync(join(SPECS, f), 'utf8')), 'local'));
}

describe('the spec files', () => {
  it('cover all 13 services, each with SLOs and declared panels, and validate against the CRD schema', () => {
    const crd = parse(readFileSync(CRD, 'utf8')) as { spec: { versions: Array<{ schema: { openAPIV3Schema: { properties: { spec: object } } } }> } };
    const validate = new Ajv({ strict: false, allErrors: true }).compile(crd.spec.versions[0]?.schema.openAPIV3Schema.properties.spec ?? {});
    const loaded = specs();
    expect(loaded.map((s) => s.resource.metadata.name).sort()).toEqual(
      ['analytics', 'catalog', 'gateway', 'inventory', 'loadgen', 'notifications', 'orders', 'payments', 'psp', 'shipping', 'storefront', 'support', 'users'],
    );
    for (const { resource, panels } of loaded) {
      const name = resource.metadata.name;
      expect(validate(resource.spec), `${name}: ${JSON.stringify(validate.errors)}`).toBe(true);
      expect(resource.spec.slos?.length ?? 0, name).toBeGreaterThanOrEqual(2);
      expect(panels.length, name).toBeGreaterThanOrEqual(2);
      // `requires` is lifted out: the resource carries only CRD fields.
      expect(JSON.stringify(resource.spec), name).not.toContain('"requires"');
      for (const p of panels) expect(resource.spec.dashboard?.[p.row]?.some((d) => d.title === p.title), `${name}: ${p.title}`).toBe(true);
    }
    expect(loaded.reduce((n, s) => n + (s.resource.spec.slos?.length ?? 0), 0)).toBeGreaterThanOrEqual(36);
  });

  it('render without a problem: a rule file and a dashboard per service, plus the cross-service dashboards', () => {
    const result = renderAll(specs(), 'local', { testProfile: false });
    expect(result.problems).toEqual([]);
    expect(result.manifest.rules).toHaveLength(13);
    expect(result.manifest.dashboards.filter((d) => d.includes('shopwatch-')).length).toBeGreaterThanOrEqual(4);
    const catalog = parse(result.files['rules/catalog.yml'] ?? '') as { groups: Array<{ rules: Array<{ expr: string }> }> };
    expect(catalog.groups.flatMap((g) => g.rules).every((r) => r.expr.includes('namespace="local"') || !r.expr.includes('namespace='))).toBe(true);
  });
});

describe('the test profile', () => {
  it('divides ranges and subquery steps by 20, never below two scrapes', () => {
    expect(scaleExprRanges('sum(rate(x[5m])) / sum_over_time(y[30d]) + max_over_time(z[1h:5m])', 20)).toBe('sum(rate(x[15s])) / sum_over_time(y[36h]) + max_over_time(z[3m:15s])');
    expect(scaleExprRanges('rate(x[1m])', 20)).toBe('rate(x[10s])');
  });

  it('divides `for:` and group intervals, and leaves record and alert names alone', () => {
    const [group] = scaleRuleGroups([{ name: 'g', interval: '5m', rules: [{ alert: 'A', expr: 'rate(x[1h]) > 1', for: '10m', labels: {}, annotations: {} }, { record: 'r:rate1h', expr: 'rate(x[1h])' }] }], 20);
    expect(group).toEqual({ name: 'g', interval: '15s', rules: [{ alert: 'A', expr: 'rate(x[3m]) > 1', for: '30s', labels: {}, annotations: {} }, { record: 'r:rate1h', expr: 'rate(x[3m])' }] });
  });

  it('renders every spec with the scaled rules', () => {
    const result = renderAll(specs(), 'local', { testProfile: true });
    expect(result.manifest).toMatchObject({ profile: 'test', factor: 20 });
    expect(result.files['rules/orders.yml']).not.toMatch(/\[(5m|1h|30d)\]/);
  });
});

describe('the rendered dashboards', () => {
  const result = renderAll(specs(), 'local', { testProfile: false });
  const dashboards = result.manifest.dashboards.map((path) => ({ path, model: JSON.parse(result.files[path] ?? '{}') as RenderedDashboard }));

  it('validate against Grafana dashboard schema (the foundation SDK types: Dashboard, panel options, Prometheus queries)', () => {
    expect(dashboards).toHaveLength(17);
    for (const { path, model } of dashboards) expect(dashboardSchemaProblems(model), path).toEqual([]);
  });

  it('the schema check catches an unknown field, a missing one and a wrong type', () => {
    const model = structuredClone(dashboards[0]?.model) as unknown as Record<string, unknown>;
    delete model['schemaVersion'];
    model['titel'] = 'typo';
    model['editable'] = 'yes';
    const panels = model['panels'] as Array<Record<string, unknown>>;
    const stat = panels.findIndex((p) => p['type'] === 'stat');
    expect(stat).toBeGreaterThan(0);
    (panels[stat] as Record<string, unknown>)['gridPos'] = { h: 8 };
    ((panels[stat] as { options: Record<string, unknown> }).options)['colourMode'] = 'value';
    const problems = dashboardSchemaProblems(model).join('\n');
    expect(problems).toContain('$.schemaVersion: required');
    expect(problems).toContain('$.titel: not a field');
    expect(problems).toContain('$.editable: "yes" is not');
    expect(problems).toContain(`$.panels[${stat}].gridPos.w: required`);
    expect(problems).toContain(`$.panels[${stat}].options.colourMode: not a field of Options`);
  });

  it('every datasource and variable a panel uses exists in its dashboard', () => {
    const builtins = new Set(['__rate_interval', '__interval', '__range', '__name']);
    for (const { path, model } of dashboards) {
      const variables = new Map((model.templating?.list ?? []).map((v) => [v.name, v]));
      expect(variables.get('datasource')?.type, path).toBe('datasource');
      for (const panel of flatten(model.panels ?? [])) {
        const refs = [panel.datasource, ...(panel.targets ?? []).map((t) => t.datasource)].filter((d) => d !== undefined);
        for (const ref of refs) expect(ref, `${path}: ${panel.title ?? ''}`).toEqual({ type: 'prometheus', uid: '${datasource}' });
        for (const target of panel.targets ?? []) {
          for (const [, name] of (target.expr ?? '').matchAll(/\$\{?(\w+)\}?/g)) {
            expect(builtins.has(name ?? '') || variables.has(name ?? ''), `${path}: ${panel.title ?? ''} uses $${name ?? ''}`).toBe(true);
          }
        }
      }
    }
  });
});

interface RenderedPanel {
  type: string;
  title?: string;
  datasource?: { type?: string; uid?: string };
  targets?: Array<{ expr?: string; datasource?: { type?: string; uid?: string } }>;
  panels?: RenderedPanel[];
}

interface RenderedDashboard {
  panels?: RenderedPanel[];
  templating?: { list?: Array<{ name: string; type: string }> };
}

function flatten(panels: RenderedPanel[]): RenderedPanel[] {
  return panels.flatMap((p) => [p, ...flatten(p.panels ?? [])]);
}
