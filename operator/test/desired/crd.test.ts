// The CRD's OpenAPI schema and the TypeScript API types describe the same resource. A sample that
// sets every field (enforced by the DeepRequired type) must match the schema's property tree
// exactly, and validate against it; wrong values must not. CEL rules need the API server and are
// covered by the operator's integration tests.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { GROUP, KIND, PLURAL, VERSION, type ServiceObservabilitySpec } from '../../src/api/v1alpha1.ts';

const CRD_FILE = join(dirname(fileURLToPath(import.meta.url)), '../../../charts/shopwatch-operator/crds/serviceobservabilities.observability.shopwatch.dev.yaml');

interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: Schema | boolean;
  required?: string[];
  enum?: unknown[];
  maxLength?: number;
  maxItems?: number;
  'x-kubernetes-validations'?: Array<{ rule: string; message: string }>;
}

const crd = parse(readFileSync(CRD_FILE, 'utf8')) as {
  spec: { group: string; names: { kind: string; plural: string; shortNames: string[] }; scope: string; versions: Array<{ name: string; schema: { openAPIV3Schema: Schema }; subresources: unknown; additionalPrinterColumns: Array<{ name: string }> }> };
};
const version = crd.spec.versions[0];
const root = version?.schema.openAPIV3Schema as Schema;
const specSchema = root.properties?.spec as Schema;

type DeepRequired<T> = T extends Array<infer U> ? Array<DeepRequired<U>> : T extends object ? { [K in keyof T]-?: DeepRequired<T[K]> } : T;

/** Every field of the spec set once: adding a field to the types without the sample fails to compile. */
const everything: DeepRequired<ServiceObservabilitySpec> = {
  service: {
    name: 'orders',
    selector: { matchLabels: { app: 'orders' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['api'] }] },
    metrics: { port: 'http', path: '/metrics', interval: '30s', scrapeTimeout: '10s' },
  },
  slos: [
    {
      name: 'availability',
      description: 'Requests that did not fail',
      objective: '99.5',
      window: '30d',
      availability: { errorStatusCodes: '5..', routes: '/api/.*' },
      latency: { thresholdSeconds: '0.3', routes: '/api/.*' },
      ratio: { good: 'good_total', total: 'all_total' },
    },
  ],
  dashboard: {
    enabled: true,
    folder: 'Shop',
    title: 'Orders',
    marketing: [{ title: 't', expr: 'sum(x)', unit: 'short', visualisation: 'stat', description: 'd', legend: '{{a}}' }],
    business: [{ title: 't', expr: 'sum(x)', unit: 'short', visualisation: 'timeseries', description: 'd', legend: '{{a}}' }],
    links: [{ title: 'Runbook', url: 'https://runbooks.example' }],
  },
  alerts: [{ name: 'SagaStuck', expr: 'x > 1', for: '10m', severity: 'warning', summary: 's', description: 'd', runbookUrl: 'https://runbooks.example' }],
  goldenSignals: { enabled: true, errorRatio: '0.05', latencyP99Seconds: '1', eventLoopLagSeconds: '0.2', restarts: 3 },
  output: {
    labels: { team: 'checkout' },
    release: 'kube-prometheus-stack',
    sidecarConfigMap: true,
    grafanaDashboard: { enabled: true, allowCrossNamespaceImport: true, instanceSelector: { matchLabels: { dashboards: 'grafana' }, matchExpressions: [{ key: 'a', operator: 'Exists', values: [] }] } },
  },
};

/** Property paths of a value (arrays collapse to []; maps of free keys collapse to {}). */
function valuePaths(value: unknown, schema: Schema, prefix: string, out: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) valuePaths(item, schema.items ?? {}, `${prefix}[]`, out);
    return;
  }
  if (value && typeof value === 'object') {
    if (!schema.properties) {
      out.add(`${prefix}{}`);
      return;
    }
    for (const [key, child] of Object.entries(value)) {
      out.add(`${prefix}.${key}`);
      valuePaths(child, schema.properties[key] ?? {}, `${prefix}.${key}`, out);
    }
  }
}

function schemaPaths(schema: Schema, prefix: string, out: Set<string>): void {
  if (schema.items) schemaPaths(schema.items, `${prefix}[]`, out);
  if (schema.properties) {
    for (const [key, child] of Object.entries(schema.properties)) {
      out.add(`${prefix}.${key}`);
      schemaPaths(child, `${prefix}.${key}`, out);
    }
  } else if (schema.additionalProperties) {
    out.add(`${prefix}{}`);
  }
}

function validator() {
  const ajv = new Ajv({ strict: false, allErrors: true });
  return ajv.compile(specSchema);
}

describe('ServiceObservability CRD', () => {
  it('names the group, version, kind, scope, status subresource, short name and printer columns', () => {
    expect(crd.spec.group).toBe(GROUP);
    expect(crd.spec.names).toMatchObject({ kind: KIND, plural: PLURAL, shortNames: ['svcobs'] });
    expect(crd.spec.scope).toBe('Namespaced');
    expect(version?.name).toBe(VERSION);
    expect(version?.subresources).toEqual({ status: {} });
    expect(version?.additionalPrinterColumns.map((c) => c.name)).toEqual(['Service', 'SLOs', 'Ready', 'Reason', 'Age']);
  });

  it('has exactly the fields of the TypeScript spec', () => {
    const fromTypes = new Set<string>();
    valuePaths(everything, specSchema, 'spec', fromTypes);
    const fromSchema = new Set<string>();
    schemaPaths(specSchema, 'spec', fromSchema);
    expect([...fromSchema].sort()).toEqual([...fromTypes].sort());
  });

  it('accepts a resource that uses every field (CEL aside)', () => {
    const validate = validator();
    const ok = validate(everything);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('rejects values outside the declared enums, patterns and bounds', () => {
    const validate = validator();
    const cases: Array<[string, (s: DeepRequired<ServiceObservabilitySpec>) => void]> = [
      ['window 7d', (s) => ((s.slos[0] as { window: string }).window = '7d')],
      ['severity page', (s) => ((s.alerts[0] as { severity: string }).severity = 'page')],
      ['service name with capitals', (s) => (s.service.name = 'Orders')],
      ['alert name with dashes', (s) => (s.alerts[0]!.name = 'saga-stuck')],
      ['for as words', (s) => (s.alerts[0]!.for = 'ten minutes')],
      ['missing selector', (s) => delete (s.service as Partial<typeof s.service>).selector],
      ['visualisation heatmap', (s) => ((s.dashboard.business[0] as { visualisation: string }).visualisation = 'heatmap')],
      ['huge expr', (s) => (s.alerts[0]!.expr = 'x'.repeat(5000))],
    ];
    for (const [name, mutate] of cases) {
      const spec = structuredClone(everything);
      mutate(spec);
      expect(validate(spec), name).toBe(false);
    }
  });

  it('bounds every string and list so CEL cost estimation passes', () => {
    const unbounded: string[] = [];
    const walk = (schema: Schema, path: string) => {
      if (schema.type === 'string' && schema.maxLength === undefined && !schema.enum) unbounded.push(path);
      if (schema.type === 'array' && schema.maxItems === undefined) unbounded.push(path);
      for (const [key, child] of Object.entries(schema.properties ?? {})) walk(child, `${path}.${key}`);
      if (schema.items) walk(schema.items, `${path}[]`);
      if (typeof schema.additionalProperties === 'object') walk(schema.additionalProperties, `${path}{}`);
    };
    walk(specSchema, 'spec');
    walk(root.properties?.status as Schema, 'status');
    expect(unbounded).toEqual([]);
  });

  it('states the cross-field rules in CEL with messages', () => {
    const slos = specSchema.properties?.slos as Schema;
    const rules = [
      ...(slos['x-kubernetes-validations'] ?? []),
      ...(slos.items?.['x-kubernetes-validations'] ?? []),
      ...(slos.items?.properties?.objective?.['x-kubernetes-validations'] ?? []),
      ...((specSchema.properties?.alerts as Schema)['x-kubernetes-validations'] ?? []),
    ];
    expect(rules.map((r) => r.message)).toEqual([
      'SLO names must be unique within the resource',
      'each SLO needs exactly one SLI kind: set one of availability, latency or ratio',
      'objective must be a percentage strictly between 0 and 100 written as a decimal string, e.g. "99.5"',
      'alert names must be unique within the resource',
    ]);
  });
});
