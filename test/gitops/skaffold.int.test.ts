// What skaffold would do with skaffold.yaml, done with the real parts that run here (skaffold
// itself does not): each profile's chart rendered by Helm with the --set flags skaffold derives
// from setValueTemplates, and the `local` profile's custom builder run with the environment
// skaffold gives it, its image then found in the local node's containerd.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments, parse, stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { helm, realNodeEnabled, uniqueName } from '@shopwatch/testkit';
import { loadSkaffold, pipelineOf, root, setArguments, templateValues, type HelmRelease, type Pipeline } from './support/skaffold.ts';

const run = promisify(execFile);
const config = loadSkaffold();

interface PodSpec {
  containers?: { name: string; image: string }[];
  initContainers?: { name: string; image: string }[];
}
interface Rendered {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: { template?: { spec?: PodSpec }; jobTemplate?: { spec?: { template?: { spec?: PodSpec } } }; ports?: { port: number }[] };
}

/** Every container image of every workload in a render. */
function imagesOf(objects: readonly Rendered[]): { workload: string; image: string }[] {
  return objects.flatMap((o) => {
    const pod = o.spec?.template?.spec ?? o.spec?.jobTemplate?.spec?.template?.spec;
    return [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])].map((c) => ({ workload: `${o.kind}/${o.metadata.name}/${c.name}`, image: c.image }));
  });
}

/**
 * The platform chart as the release renders it. For charts/shopwatch-stack, whose
 * kube-prometheus-stack dependency cannot be fetched here, its `shopwatch` part: the platform
 * chart with the stack's `shopwatch` values and the keys skaffold sets under `shopwatch.`.
 */
async function renderPlatform(release: HelmRelease, set: string[]): Promise<Rendered[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'skaffold-render-'));
  try {
    const files = (release.valuesFiles ?? []).flatMap((f) => ['-f', path.join(root, f)]);
    let chart = path.join(root, release.chartPath ?? '');
    let flags = set;
    if (release.chartPath === 'charts/shopwatch-stack') {
      const stack = parse(readFileSync(path.join(chart, 'values.yaml'), 'utf8')) as { shopwatch?: unknown };
      const stackValues = path.join(dir, 'stack-shopwatch-values.yaml');
      writeFileSync(stackValues, stringify(stack.shopwatch ?? {}));
      files.unshift('-f', stackValues);
      chart = path.join(root, 'charts/shopwatch');
      flags = set.map((arg) => (arg === '--set' ? arg : arg.replace(/^shopwatch\./, '')));
      expect(set.filter((arg) => arg !== '--set').every((arg) => arg.startsWith('shopwatch.'))).toBe(true);
    }
    const result = await helm(['template', release.name, chart, '--namespace', release.namespace ?? 'default', ...files, ...flags], {
      kubeconfig: '/dev/null',
      allowFailure: true,
      timeoutMs: 180_000,
    });
    expect(result.exitCode, result.stderr).toBe(0);
    return parseAllDocuments(result.stdout)
      .map((d) => d.toJS() as Rendered | null)
      .filter((d): d is Rendered => d !== null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.each(['default', 'local'])('profile %s, rendered with the values skaffold sets', (profile) => {
  const pipeline: Pipeline = pipelineOf(config, profile === 'default' ? undefined : profile);
  const [release] = pipeline.deploy.helm.releases;
  if (!release) throw new Error('no release');
  const repositories = new Set(pipeline.build.artifacts.map((a) => a.image));

  it.each([
    ['pushed', `sha256:${'c0ffee'.repeat(10)}abcd`],
    ['loaded', ''],
  ])('runs every container of the shop on the image skaffold built (%s)', async (_, digest) => {
    const tag = 'f00d1e55';
    const objects = await renderPlatform(release, setArguments(release, templateValues(pipeline.build.artifacts, tag, digest)));
    const ours = imagesOf(objects).filter(({ image }) => repositories.has(image.replace(/[:@].*$/, '')));
    const expected = digest ? `${tag}@${digest}` : tag;
    for (const { workload, image } of ours) expect(image, workload).toBe(`${image.replace(/[:@].*$/, '')}:${expected}`);
    // Every artifact is used by some workload (services, their seed Jobs and init containers,
    // the operator), and nothing else of ours is left on the chart's default images.
    expect(new Set(ours.map(({ image }) => image.replace(/[:@].*$/, '')))).toEqual(repositories);
    const others = imagesOf(objects).filter(({ image }) => !repositories.has(image.replace(/[:@].*$/, '')));
    for (const { workload, image } of others) expect(image, workload).not.toMatch(/shopwatch\/(gateway|users|catalog|inventory|orders|payments|psp|shipping|notifications|support|analytics|storefront|loadgen|operator)[:@]/);
  }, 300_000);

  it('forwards ports of Services the release has', async () => {
    const objects = await renderPlatform(release, setArguments(release, templateValues(pipeline.build.artifacts, 'x', '')));
    const ours = pipeline.portForward.filter((p) => !p.resourceName.endsWith('-grafana')); // Grafana: kube-prometheus-stack's (skaffold.test.ts)
    expect(ours.length).toBe(1);
    for (const forward of ours) {
      expect(forward.namespace).toBe(release.namespace);
      const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === forward.resourceName);
      expect(service, forward.resourceName).toBeDefined();
      expect(service?.spec?.ports?.map((p) => p.port)).toContain(forward.port);
    }
  }, 300_000);
});

describe.skipIf(!realNodeEnabled())('scripts/images/skaffold-buildah.sh, run as skaffold runs a custom builder', () => {
  const builder = path.join(root, 'scripts/images/skaffold-buildah.sh');
  const image = `localhost/shopwatch/psp:${uniqueName('skaffold')}`;
  const names: string[] = [];
  const shell = (script: string, args: string[]) => run('bash', ['-c', script, '_', ...args], { cwd: root, timeout: 120_000 });

  afterAll(async () => {
    // Only the names this test made: the image's content stays for psp:dev, which shares it.
    if (names.length === 0) return;
    await shell('. scripts/cluster/lib.sh && node_ctr images rm "$@" >/dev/null', names).catch(() => undefined);
    await shell('. scripts/containers/env.sh && for n in "$@"; do podman untag "$n" "$n" || true; done', names).catch(() => undefined);
  });

  it('builds the artifact with buildah and puts it on the node under $IMAGE and the image-ID tag skaffold deploys', async () => {
    // skaffold runs the command in the artifact's context with IMAGE, BUILD_CONTEXT and PUSH_IMAGE.
    const { stderr } = await run(builder, ['services/psp/Dockerfile'], {
      cwd: root,
      env: { ...process.env, IMAGE: image, BUILD_CONTEXT: root, PUSH_IMAGE: 'false' },
      timeout: 900_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(stderr).toContain(`built ${image}`);
    const { stdout: id } = await shell('. scripts/containers/env.sh && podman image inspect --format "{{.Id}}" "$1"', [image]);
    const byId = `localhost/shopwatch/psp:${id.trim()}`;
    names.push(image, byId);
    expect(id.trim()).toMatch(/^[0-9a-f]{64}$/);
    const { stdout: onNode } = await shell('. scripts/cluster/lib.sh && node_ctr images ls -q', []);
    const listed = onNode.split('\n');
    expect(listed).toContain(image);
    expect(listed).toContain(byId);
    // Same image: the manifest containerd holds under the name points at the podman image ID (its config digest).
    const { stdout: digest } = await shell('. scripts/cluster/lib.sh && node_ctr images ls "name==$1" | awk "NR > 1 { print \\$3 }"', [image]);
    const { stdout: manifest } = await shell('. scripts/cluster/lib.sh && node_ctr content get "$1"', [digest.trim()]);
    expect(manifest).toContain(`sha256:${id.trim()}`);
  }, 900_000);

  it('refuses what skaffold would never pass: an image without a registry, a PUSH_IMAGE that is not a boolean', async () => {
    for (const env of [
      { IMAGE: 'shopwatch/psp:x', BUILD_CONTEXT: root, PUSH_IMAGE: 'false' },
      { IMAGE: image, BUILD_CONTEXT: root, PUSH_IMAGE: 'yes' },
    ]) {
      const failure = await run(builder, ['services/psp/Dockerfile'], { cwd: root, env: { ...process.env, ...env }, timeout: 60_000 }).then(
        () => undefined,
        (error: unknown) => error as { code: number; stderr: string },
      );
      expect(failure?.code, JSON.stringify(env)).toBe(1);
      expect(failure?.stderr).toMatch(/skaffold-buildah: error: (IMAGE must name its registry|PUSH_IMAGE must be true or false)/);
    }
  });
});
