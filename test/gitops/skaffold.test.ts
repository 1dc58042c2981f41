// skaffold.yaml without skaffold (not served here): the file against skaffold's own JSON schema
// for v4beta14, one artifact per Dockerfile in every profile, and every artifact's image reaching
// the chart through setValueTemplates that skaffold can expand and the charts' schemas accept.
// test/gitops/skaffold.int.test.ts renders the charts with those values and runs the buildah
// builder the way skaffold does.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  dockerfileOf,
  expandTemplate,
  loadSkaffold,
  mergeValues,
  nestedValues,
  pipelineOf,
  referenceDir,
  repositoryDockerfiles,
  root,
  templateValues,
  validateChartValues,
} from './support/skaffold.ts';

const config = loadSkaffold();
const profiles = [undefined, ...config.profiles.map((p) => p.name)];
const schemaFile = path.join(referenceDir, 'skaffold-v4beta14.schema.json');

describe('skaffold.yaml against skaffold v4beta14 JSON schema', () => {
  // The schema is draft-07 (its $schema says so): Ajv's default class. Its editor hints
  // (x-intellij-*, preferredOrder) are declared as keywords so strict mode still refuses
  // anything else unknown in the schema itself.
  const compile = (): ((data: unknown) => boolean) & { errors?: unknown } => {
    const schema = JSON.parse(readFileSync(schemaFile, 'utf8')) as { $schema?: string };
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    const ajv = new Ajv({ allErrors: true, strict: true });
    ajv.addVocabulary(['x-intellij-html-description', 'x-intellij-enum-descriptions', 'preferredOrder']);
    return ajv.compile(schema);
  };

  it.skipIf(!existsSync(schemaFile))('validates (the schema is read from ../shared/reference)', () => {
    expect(config.apiVersion).toBe('skaffold/v4beta14');
    expect(config.kind).toBe('Config');
    const validate = compile();
    expect(validate(config), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  it.skipIf(!existsSync(schemaFile))('and the schema refuses a misspelt field, so the check above can fail', () => {
    const validate = compile();
    const misspelt = structuredClone(config) as unknown as { deploy: { helm: { releases: Record<string, unknown>[] } } };
    const release = misspelt.deploy.helm.releases[0];
    if (!release) throw new Error('no release');
    release['setValueTemplate'] = release['setValueTemplates'];
    delete release['setValueTemplates'];
    expect(validate(misspelt)).toBe(false);
    expect(JSON.stringify(validate.errors)).toContain('setValueTemplate');
  });
});

describe.each(profiles)('pipeline of profile %s', (profile) => {
  const pipeline = pipelineOf(config, profile);
  const artifacts = pipeline.build.artifacts;

  it('has exactly one artifact for every Dockerfile in the repository, built from the repository root', () => {
    // images/infra/: the local stand-ins for the official PostgreSQL, Kafka and Redis images,
    // which users pull and never build (scripts/containers/test-infra-images.sh makes them here,
    // from staged contexts, for the local cluster and the containers-mode tests).
    const dockerfiles = repositoryDockerfiles().filter((file) => !file.startsWith('images/infra/'));
    expect(dockerfiles.length).toBe(14); // 13 services and the operator
    expect(repositoryDockerfiles().length - dockerfiles.length).toBe(3);
    expect(artifacts.map((a) => dockerfileOf(a)).sort()).toEqual(dockerfiles);
    for (const artifact of artifacts) expect(artifact.context, artifact.image).toBe('.');
    expect(new Set(artifacts.map((a) => a.image)).size).toBe(artifacts.length);
  });

  it("names every image so that skaffold's template suffix is unambiguous", () => {
    // Only `/` and `-` are turned into `_`; other characters would make the key a guess.
    for (const { image } of artifacts) expect(image).toMatch(/^[a-z0-9/]+$/);
  });

  it("sets every artifact's repository and tag in one release, from that artifact's values", () => {
    const [release, ...others] = pipeline.deploy.helm.releases;
    expect(others).toEqual([]);
    if (!release) throw new Error('no release');
    const templates = release.setValueTemplates ?? {};
    for (const { image } of artifacts) {
      const suffix = image.replace(/[/-]/g, '_');
      const keys = Object.entries(templates).filter(([, v]) => v.includes(`_${suffix}}}`)).map(([k]) => k);
      expect(keys.map((k) => k.split('.').at(-1)).sort(), image).toEqual(['repository', 'tag']);
      expect(templates[keys.find((k) => k.endsWith('.repository')) ?? ''], image).toBe(`{{.IMAGE_REPO_${suffix}}}`);
      expect(templates[keys.find((k) => k.endsWith('.tag')) ?? ''], image).toBe(`{{.IMAGE_TAG_${suffix}}}@{{.IMAGE_DIGEST_${suffix}}}`);
    }
    expect(Object.keys(templates).length).toBe(2 * artifacts.length);
  });

  it('expands, pushed (tag@digest) and loaded (tag only), into values the charts’ schemas accept', () => {
    const [release] = pipeline.deploy.helm.releases;
    if (!release?.chartPath) throw new Error('no chart');
    const chartDir = path.join(root, release.chartPath);
    expect(existsSync(path.join(chartDir, 'Chart.yaml')), `${release.chartPath} exists`).toBe(true);
    // Helm's order: the values files, then the --set flags, each coalesced over the last.
    const fileValues = (release.valuesFiles ?? []).reduce<unknown>((acc, file) => mergeValues(acc, parse(readFileSync(path.join(root, file), 'utf8'))), {});
    for (const digest of [`sha256:${'ab'.repeat(32)}`, '']) {
      const values = templateValues(artifacts, 'f00d', digest);
      const flat = Object.fromEntries(Object.entries(release.setValueTemplates ?? {}).map(([k, v]) => [k, expandTemplate(v, values)]));
      for (const [key, value] of Object.entries(flat)) {
        if (key.endsWith('.tag')) expect(value).toBe(digest ? `f00d@${digest}` : 'f00d');
      }
      const failures = validateChartValues(chartDir, mergeValues(fileValues, nestedValues(flat)));
      expect(failures, JSON.stringify(failures, null, 2)).toEqual([]);
    }
  });

  it('and a key the chart does not have is refused by the same check', () => {
    const [release] = pipeline.deploy.helm.releases;
    if (!release?.chartPath) throw new Error('no chart');
    // A service's and the operator's (the operator chart is a dependency with its own schema).
    const keys = Object.keys(release.setValueTemplates ?? {}).filter((k) => k.endsWith('gateway.image.repository') || k.endsWith('operator.image.repository'));
    expect(keys.length).toBe(2);
    for (const key of keys) {
      const failures = validateChartValues(path.join(root, release.chartPath), nestedValues({ [key.replace(/repository$/, 'repo')]: 'x' }));
      expect(JSON.stringify(failures), key).toContain('"additionalProperty":"repo"');
    }
  });
});

describe('profiles', () => {
  it('kind and minikube: the default pipeline, not pushed, in their own context', () => {
    const base = pipelineOf(config);
    for (const [name, context] of [
      ['kind', 'kind-shopwatch'],
      ['minikube', 'minikube'],
    ] as const) {
      const pipeline = pipelineOf(config, name);
      expect(pipeline.build.local?.push, name).toBe(false);
      expect(pipeline.deploy.kubeContext, name).toBe(context);
      expect(pipeline.build.artifacts, name).toEqual(base.build.artifacts);
      expect(pipeline.deploy.helm, name).toEqual(base.deploy.helm);
      expect(config.profiles.find((p) => p.name === name)?.activation).toEqual([{ kubeContext: context }]);
    }
    expect(base.build.local?.push).toBeUndefined(); // remote clusters: skaffold pushes
  });

  it('kind: the context `make up` creates from k8s/kind.yaml', () => {
    const kind = parse(readFileSync(path.join(root, 'k8s/kind.yaml'), 'utf8')) as { name: string };
    expect(`kind-${kind.name}`).toBe(pipelineOf(config, 'kind').deploy.kubeContext);
  });

  it('local: the buildah custom builder for every artifact, charts/shopwatch with values-local.yaml on the local cluster', () => {
    const pipeline = pipelineOf(config, 'local');
    for (const artifact of pipeline.build.artifacts) {
      expect(artifact.docker, artifact.image).toBeUndefined();
      expect(artifact.custom?.buildCommand, artifact.image).toBe(`scripts/images/skaffold-buildah.sh ${dockerfileOf(artifact)}`);
      expect(artifact.custom?.dependencies?.dockerfile?.path, artifact.image).toBe(dockerfileOf(artifact));
      expect(artifact.image).toMatch(/^localhost\/shopwatch\//);
    }
    expect(pipeline.build.local?.push).toBe(false);
    const kubeconfig = readFileSync(path.join(root, 'scripts/cluster/pki.sh'), 'utf8');
    expect(kubeconfig).toContain(`current-context: ${pipeline.deploy.kubeContext}`);
    const [release] = pipeline.deploy.helm.releases;
    expect(release).toMatchObject({ name: 'shop', namespace: 'shop', chartPath: 'charts/shopwatch', valuesFiles: ['charts/shopwatch/values-local.yaml'] });
  });

  const grafanaReference = path.join(referenceDir, 'grafana-chart-12.11.1.values.yaml');
  it.skipIf(!existsSync(grafanaReference))("default: Grafana's port-forward names kube-prometheus-stack's Grafana Service of this release", () => {
    const reference = grafanaReference;
    const pipeline = pipelineOf(config);
    const [release] = pipeline.deploy.helm.releases;
    const grafana = pipeline.portForward.find((p) => p.resourceName.endsWith('-grafana'));
    const defaults = parse(readFileSync(reference, 'utf8')) as { service: { port: number } };
    // The Grafana chart's full name is <release>-grafana unless overridden; the stack does not.
    const stack = parse(readFileSync(path.join(root, 'charts/shopwatch-stack/values.yaml'), 'utf8')) as Record<string, Record<string, Record<string, unknown>>>;
    expect(stack['kube-prometheus-stack']?.['grafana']?.['fullnameOverride']).toBeUndefined();
    expect(grafana).toMatchObject({ resourceType: 'service', resourceName: `${release?.name}-grafana`, namespace: release?.namespace, port: defaults.service.port });
  });
});
