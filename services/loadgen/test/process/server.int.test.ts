// Loadgen's real entry point: starts from environment variables, serves its API, is ready only
// while the gateway answers, keeps running while every journey fails, exits 0 on SIGTERM; bad
// configuration stops it with one line naming the variable.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { metricSample, type ServiceProcess, waitFor } from '@shopwatch/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSED_URL, spawnLoadgen, spawnLoneGateway, uniqueLoopbackAddress } from '../support/shop-processes.ts';

let gateway: ServiceProcess;

beforeAll(async () => {
  gateway = await spawnLoneGateway();
}, 120_000);
afterAll(async () => {
  if (gateway && gateway.child.exitCode === null) {
    gateway.child.kill('SIGTERM');
    await gateway.exited;
  }
});

describe('loadgen process', () => {
  it('starts, serves, is ready, counts failing journeys without crashing and exits 0 on SIGTERM', async () => {
    const loadgen = await spawnLoadgen({
      GATEWAY_URL: gateway.url,
      LOADGEN_LOCAL_ADDRESS: uniqueLoopbackAddress(),
      LOADGEN_RATE: '5',
      LOADGEN_MIX: 'browse=1,checkout=1',
      LOADGEN_SEED: '1',
    });
    try {
      expect((await fetch(`${loadgen.url}/livez`)).status).toBe(200);
      expect(((await (await fetch(`${loadgen.url}/readyz`)).json()) as { checks: Record<string, string> }).checks).toEqual({ gateway: 'ok' });
      const control = (await (await fetch(`${loadgen.url}/control`)).json()) as { running: boolean; rate: number; seed: number };
      expect(control).toMatchObject({ running: true, rate: 5, seed: 1 });
      const openapi = (await (await fetch(`${loadgen.url}/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
      expect(openapi.openapi).toBe('3.1.0');
      expect(Object.keys(openapi.paths)).toContain('/control');
      // Catalog is not running behind this gateway: every journey fails at the front page.
      const metrics = await waitFor('failed journeys counted', async () => {
        const text = await (await fetch(`${loadgen.url}/metrics`)).text();
        return (metricSample(text, 'shop_loadgen_scenarios_total', { scenario: 'browse', outcome: 'failed' }) ?? 0) >= 2 ? text : undefined;
      }, { timeoutMs: 30_000, intervalMs: 200 });
      expect(metricSample(metrics, 'shop_loadgen_scenario_failures_total', { scenario: 'browse', step: 'landing', reason: 'upstream_unavailable' })).toBeGreaterThanOrEqual(2);
      expect(metricSample(metrics, 'shop_loadgen_target_rate')).toBe(5);
      expect(metrics).toContain('process_resident_memory_bytes');
      expect(loadgen.child.exitCode).toBeNull();
    } finally {
      loadgen.child.kill('SIGTERM');
    }
    const exit = await loadgen.exited;
    expect(exit, loadgen.output().slice(-3000)).toEqual({ code: 0, signal: null });
    expect(loadgen.output()).toContain('shutdown complete');
  }, 120_000);

  it('follows the loadgen section of its settings file while it runs: the rate in the file wins over the environment, a change applies without a restart', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'loadgen-settings-'));
    const file = path.join(dir, 'loadgen.json');
    await writeFile(file, JSON.stringify({ loadgen: { rate: 0 } }));
    const loadgen = await spawnLoadgen({ GATEWAY_URL: gateway.url, LOADGEN_LOCAL_ADDRESS: uniqueLoopbackAddress(), LOADGEN_RATE: '5', FAULTS_FILE: file });
    const control = async () => (await (await fetch(`${loadgen.url}/control`)).json()) as { rate: number; paused: boolean; running: boolean };
    try {
      expect(await control()).toMatchObject({ rate: 0, running: false });
      await writeFile(file, JSON.stringify({ loadgen: { rate: 3 } }));
      await waitFor('the new rate applied', async () => ((await control()).rate === 3 ? true : undefined), { timeoutMs: 15_000, intervalMs: 250 });
      // An operator's PUT /control stays in force while the file does not change.
      const put = await fetch(`${loadgen.url}/control`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rate: 1 }) });
      expect(put.status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      expect((await control()).rate).toBe(1);
      // Out of bounds in the file: refused (logged), the load unchanged, the process still up.
      await writeFile(file, JSON.stringify({ loadgen: { rate: 500 } }));
      await waitFor('the refusal logged', () => loadgen.output().includes('outside the limits') || undefined, { timeoutMs: 15_000, intervalMs: 250 });
      expect((await control()).rate).toBe(1);
      expect(loadgen.child.exitCode).toBeNull();
    } finally {
      loadgen.child.kill('SIGTERM');
      await rm(dir, { recursive: true, force: true });
    }
    expect(await loadgen.exited).toEqual({ code: 0, signal: null });
  }, 120_000);

  it('is not ready while the gateway cannot be reached, naming it', async () => {
    const loadgen = await spawnLoadgen({ GATEWAY_URL: CLOSED_URL, LOADGEN_PAUSED: 'true' }, { ready: false });
    try {
      const body = await waitFor('readyz answers 503', async () => {
        const res = await fetch(`${loadgen.url}/readyz`);
        return res.status === 503 ? ((await res.json()) as { failing: string[] }) : undefined;
      }, { timeoutMs: 30_000, intervalMs: 200 });
      expect(body.failing).toEqual(['gateway']);
      expect((await fetch(`${loadgen.url}/livez`)).status).toBe(200);
    } finally {
      loadgen.child.kill('SIGTERM');
    }
    expect((await loadgen.exited).code).toBe(0);
  }, 120_000);

  it.each([
    [{ GATEWAY_URL: 'http://10.20.30.40:8080' }, 'invalid configuration: GATEWAY_URL must be a loopback address unless LOADGEN_ALLOW_REMOTE=true (got "http://10.20.30.40:8080")'],
    [{ LOADGEN_MIX: 'browse=50,window-shopping=5' }, 'LOADGEN_MIX'],
    [{ LOADGEN_RATE: '-2' }, 'LOADGEN_RATE'],
    [{ LOADGEN_MAX_IN_FLIGHT: 'lots' }, 'LOADGEN_MAX_IN_FLIGHT'],
  ])('refuses to start with %j, naming the variable on one line', async (env, message) => {
    const loadgen = await spawnLoadgen(env, { ready: false });
    expect((await loadgen.exited).code).toBe(1);
    const lines = loadgen.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(message);
  }, 120_000);
});
