// skaffold.yaml as skaffold reads it, for the tests: the pipeline each profile resolves to, the
// template values skaffold gives Helm for each built image, and Helm's view of the values those
// templates set (nested keys, the chart's defaults, its dependencies' schemas).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { parse } from 'yaml';
import { repoRoot } from '@shopwatch/testkit';

export const root = repoRoot();
/** Upstream reference data (the skaffold schema, kube-prometheus-stack's defaults); absent in a user's clone. */
export const referenceDir = path.resolve(root, '..', 'shared', 'reference');

export interface Artifact {
  image: string;
  context?: string;
  docker?: { dockerfile?: string };
  custom?: { buildCommand: string; dependencies?: { dockerfile?: { path: string } } };
}
export interface HelmRelease {
  name: string;
  chartPath?: string;
  namespace?: string;
  valuesFiles?: string[];
  setValueTemplates?: Record<string, string>;
}
export interface PortForward {
  resourceType: string;
  resourceName: string;
  namespace?: string;
  port: number;
  localPort?: number;
}
export interface Pipeline {
  build: { artifacts: Artifact[]; local?: { push?: boolean } };
  deploy: { kubeContext?: string; helm: { releases: HelmRelease[] } };
  portForward: PortForward[];
}
interface Patch {
  op: string;
  path: string;
  value?: unknown;
}
interface Profile extends Partial<Pipeline> {
  name: string;
  activation?: { kubeContext?: string }[];
  patches?: Patch[];
}
export interface SkaffoldConfig extends Pipeline {
  apiVersion: string;
  kind: string;
  profiles: Profile[];
}

export function loadSkaffold(file = path.join(root, 'skaffold.yaml')): SkaffoldConfig {
  return parse(readFileSync(file, 'utf8')) as SkaffoldConfig;
}

/**
 * The pipeline of a profile (or the default one): the sections a profile sets replace the
 * top-level ones, then its JSON patches apply. Only `add` and `replace` on object members are
 * implemented, the operations skaffold.yaml uses; anything else fails the test.
 */
export function pipelineOf(config: SkaffoldConfig, profileName?: string): Pipeline {
  const base: Pipeline = { build: config.build, deploy: config.deploy, portForward: config.portForward };
  if (!profileName) return structuredClone(base);
  const profile = config.profiles.find((p) => p.name === profileName);
  if (!profile) throw new Error(`no profile ${profileName}`);
  const pipeline = structuredClone({
    build: profile.build ?? base.build,
    deploy: profile.deploy ?? base.deploy,
    portForward: profile.portForward ?? base.portForward,
  });
  for (const patch of profile.patches ?? []) {
    if (patch.op !== 'add' && patch.op !== 'replace') throw new Error(`patch op ${patch.op} is not handled by this test`);
    const parts = patch.path.split('/').slice(1);
    const last = parts.pop();
    let target: Record<string, unknown> = pipeline;
    for (const part of parts) {
      const next = target[part];
      if (typeof next !== 'object' || next === null || Array.isArray(next)) throw new Error(`patch path ${patch.path}: ${part} is not an object`);
      target = next as Record<string, unknown>;
    }
    if (last === undefined) throw new Error(`patch path ${patch.path}`);
    if (patch.op === 'replace' && !(last in target)) throw new Error(`replace of missing ${patch.path}`);
    target[last] = patch.value;
  }
  return pipeline;
}

/** The Dockerfile an artifact builds, whichever builder it uses. */
export function dockerfileOf(artifact: Artifact): string | undefined {
  if (artifact.docker) return path.normalize(path.join(artifact.context ?? '.', artifact.docker.dockerfile ?? 'Dockerfile'));
  const fromCommand = artifact.custom?.buildCommand.split(/\s+/)[1];
  return fromCommand ? path.normalize(path.join(artifact.context ?? '.', fromCommand)) : undefined;
}

/** Every Dockerfile in the repository (outside node_modules and dot directories). */
export function repositoryDockerfiles(): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const relative = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(relative);
      else if (entry.name === 'Dockerfile' || entry.name.endsWith('.Dockerfile')) found.push(relative);
    }
  };
  walk('.');
  return found.sort();
}

/** The suffix skaffold gives an image's template values: `/` and `-` become `_`. */
export function templateSuffix(image: string): string {
  return image.replace(/[/-]/g, '_');
}

/**
 * The values skaffold offers setValueTemplates for a build of each artifact: IMAGE_REPO_<image>,
 * IMAGE_TAG_<image>, IMAGE_DIGEST_<image> (empty when the image was loaded, not pushed).
 */
export function templateValues(artifacts: readonly Artifact[], tag: string, digest: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const { image } of artifacts) {
    const suffix = templateSuffix(image);
    values.set(`IMAGE_REPO_${suffix}`, image);
    values.set(`IMAGE_TAG_${suffix}`, tag);
    values.set(`IMAGE_DIGEST_${suffix}`, digest);
  }
  return values;
}

/**
 * A setValueTemplates value expanded as skaffold does: `{{.NAME}}` replaced, a trailing `@` (an
 * empty digest) dropped. A name skaffold would not offer is an error here, never "<no value>".
 */
export function expandTemplate(template: string, values: ReadonlyMap<string, string>): string {
  const expanded = template.replace(/\{\{\s*\.([A-Za-z0-9_]+)\s*\}\}/g, (_, name: string) => {
    const value = values.get(name);
    if (value === undefined) throw new Error(`${template}: skaffold offers no ${name} (no artifact has that image)`);
    return value;
  });
  if (expanded.includes('{{')) throw new Error(`${template}: a template this test does not expand`);
  return expanded.replace(/@$/, '');
}

/** `--set` arguments for a release, in skaffold's order (sorted keys). */
export function setArguments(release: HelmRelease, values: ReadonlyMap<string, string>): string[] {
  return Object.keys(release.setValueTemplates ?? {})
    .sort()
    .flatMap((key) => ['--set', `${key}=${expandTemplate(release.setValueTemplates?.[key] ?? '', values)}`]);
}

/** `a.b.c=v` as Helm nests it (no list indices or escaped dots: the test refuses those). */
export function nestedValues(flat: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(flat)) {
    if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(key)) throw new Error(`key ${key}: not a plain dotted path`);
    const parts = key.split('.');
    let target = out;
    for (const part of parts.slice(0, -1)) target = (target[part] ??= {}) as Record<string, unknown>;
    target[parts.at(-1) ?? ''] = value;
  }
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Helm's coalescing of values: objects merge, anything else from `over` wins. */
export function mergeValues(under: unknown, over: unknown): unknown {
  if (!isObject(under) || !isObject(over)) return over === undefined ? under : over;
  const out: Record<string, unknown> = { ...under };
  for (const [key, value] of Object.entries(over)) out[key] = mergeValues(under[key], value);
  return out;
}

export interface SchemaFailure {
  chart: string;
  errors: ErrorObject[];
}

/**
 * Validates values the way Helm does before rendering: the chart's defaults with the given
 * values over them against its values.schema.json, then each local (file://) dependency's part
 * against that chart's own schema, recursively. Returns every chart that refuses its part.
 */
export function validateChartValues(chartDir: string, values: unknown, label = path.relative(root, chartDir)): SchemaFailure[] {
  const defaults: unknown = parse(readFileSync(path.join(chartDir, 'values.yaml'), 'utf8')) ?? {};
  const merged = mergeValues(defaults, values);
  const failures: SchemaFailure[] = [];
  const schemaFile = path.join(chartDir, 'values.schema.json');
  if (existsSync(schemaFile)) {
    const validate = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(schemaFile, 'utf8')) as object);
    if (!validate(merged)) failures.push({ chart: label, errors: validate.errors ?? [] });
  }
  const chart = parse(readFileSync(path.join(chartDir, 'Chart.yaml'), 'utf8')) as {
    dependencies?: { name: string; alias?: string; repository?: string }[];
  };
  for (const dependency of chart.dependencies ?? []) {
    if (!dependency.repository?.startsWith('file://')) continue;
    const key = dependency.alias ?? dependency.name;
    const sub = isObject(merged) ? merged[key] : undefined;
    failures.push(...validateChartValues(path.resolve(chartDir, dependency.repository.slice('file://'.length)), sub ?? {}, `${label} → ${key}`));
  }
  return failures;
}
