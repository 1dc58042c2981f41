// The pinned helm (v4) and kubectl work against the local cluster: a chart installs and its
// Deployment becomes Available on the simulated nodes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { helm, kubectl, simulatedNodePlacement, useNamespace, waitForDeploymentAvailable } from '@shopwatch/testkit';

const ns = useNamespace('tools');

describe('pinned kubectl and helm', () => {
  it('kubectl talks to the cluster and sees Ready simulated nodes', async () => {
    const nodes = await kubectl(['get', 'nodes', '-l', 'type=kwok', '-o', 'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}']);
    const statuses = nodes.stdout.trim().split('\n');
    expect(statuses.length).toBeGreaterThan(0);
    expect(new Set(statuses)).toEqual(new Set(['True']));
  });

  it('helm v4 installs a chart whose Deployment becomes Available', async () => {
    expect((await helm(['version', '--short'])).stdout).toMatch(/^v4\./);
    const dir = mkdtempSync(path.join(tmpdir(), 'shopwatch-chart-'));
    try {
      await helm(['create', path.join(dir, 'hello')]);
      // helm create's chart runs nginx, which the real node does not have: simulated nodes.
      const placement = simulatedNodePlacement();
      await helm([
        'install', 'hello', path.join(dir, 'hello'), '-n', ns.name, '--wait', '--timeout', '90s',
        '--set-json', `nodeSelector=${JSON.stringify(placement.nodeSelector)}`,
        '--set-json', `tolerations=${JSON.stringify(placement.tolerations)}`,
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    await waitForDeploymentAvailable(ns.name, 'hello');
    const status = await helm(['status', 'hello', '-n', ns.name, '-o', 'json']);
    expect((JSON.parse(status.stdout) as { info: { status: string } }).info.status).toBe('deployed');
  });
});
