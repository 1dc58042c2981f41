// k8s/kind.yaml through kind's own decoder and validation (sigs.k8s.io/kind v0.33.0, built here by
// scripts/gitops/kind-config-check.sh; no Docker needed): what `kind create cluster --config`
// would accept, and the node image it would run.
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { root } from './support/skaffold.ts';

const run = promisify(execFile);
const checker = path.join(root, 'scripts/gitops/kind-config-check.sh');
const configFile = path.join(root, 'k8s/kind.yaml');

interface KindSummary {
  name: string;
  defaultImage: string;
  nodes: { role: string; image: string; portMappings: unknown[] }[];
}

async function check(file: string): Promise<{ ok: true; summary: KindSummary } | { ok: false; stderr: string }> {
  try {
    const { stdout } = await run(checker, [file], { timeout: 300_000 });
    return { ok: true, summary: JSON.parse(stdout) as KindSummary };
  } catch (error) {
    return { ok: false, stderr: (error as { stderr?: string }).stderr ?? String(error) };
  }
}

describe('k8s/kind.yaml', () => {
  it('loads and validates with kind v0.33.0: one node, named shopwatch, on a pinned node image', async () => {
    const result = await check(configFile);
    if (!result.ok) throw new Error(result.stderr);
    const { summary } = result;
    expect(summary.name).toBe('shopwatch');
    expect(summary.nodes.map((n) => n.role)).toEqual(['control-plane']);
    const image = summary.nodes[0]?.image ?? '';
    // Pinned by digest, and the image this kind release ships and was tested with.
    expect(image).toMatch(/^kindest\/node:v\d+\.\d+\.\d+@sha256:[0-9a-f]{64}$/);
    expect(image).toBe(summary.defaultImage);
    // A Kubernetes the charts support (their kubeVersion: >=1.30).
    const minor = Number(/^kindest\/node:v1\.(\d+)\./.exec(image)?.[1]);
    const chart = parse(readFileSync(path.join(root, 'charts/shopwatch/Chart.yaml'), 'utf8')) as { kubeVersion: string };
    expect(chart.kubeVersion).toBe('>=1.30.0-0');
    expect(minor).toBeGreaterThanOrEqual(30);
  }, 300_000);

  it('and kind refuses the same file with a misspelt field (its decoder is strict) or an invalid node', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kind-config-'));
    try {
      const text = readFileSync(configFile, 'utf8');
      const misspelt = path.join(dir, 'misspelt.yaml');
      writeFileSync(misspelt, text.replace('role: control-plane', 'rol: control-plane'));
      const refused = await check(misspelt);
      expect(refused.ok).toBe(false);
      if (!refused.ok) expect(refused.stderr).toContain('field rol not found');
      const invalid = path.join(dir, 'invalid.yaml');
      writeFileSync(invalid, text.replace('role: control-plane', 'role: worker'));
      const noControlPlane = await check(invalid);
      expect(noControlPlane.ok).toBe(false);
      if (!noControlPlane.ok) expect(noControlPlane.stderr).toMatch(/control.?plane/i);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
