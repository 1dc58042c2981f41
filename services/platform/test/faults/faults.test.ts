import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp, createLogger, HttpFaultsSchemaFile, parseFaults, registerHttpFaults, watchFaults } from '../../src/index.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'faults-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const logger = createLogger({ service: 'faults-test', level: 'silent' });

describe('faults file', () => {
  it('fills defaults and rejects out-of-range values', () => {
    expect(parseFaults(HttpFaultsSchemaFile, '{}')).toEqual({ ok: true, value: { http: { latencyMs: 0, errorRate: 0 } } });
    expect(parseFaults(HttpFaultsSchemaFile, '{"http":{"errorRate":0.5}}')).toEqual({ ok: true, value: { http: { latencyMs: 0, errorRate: 0.5 } } });
    expect(parseFaults(HttpFaultsSchemaFile, '{"http":{"errorRate":2}}').ok).toBe(false);
    expect(parseFaults(HttpFaultsSchemaFile, '{"http":{"latency":1}}').ok).toBe(false);
    expect(parseFaults(HttpFaultsSchemaFile, 'not json').ok).toBe(false);
  });

  it('is re-read at run time and keeps the last good settings when the file breaks', async () => {
    const file = path.join(dir, 'faults.json');
    writeFileSync(file, '{"http":{"latencyMs":5}}');
    const faults = watchFaults({ schema: HttpFaultsSchemaFile, file, logger, intervalMs: 60_000 });
    await faults.reload();
    expect(faults.current().http.latencyMs).toBe(5);
    writeFileSync(file, '{"http":{"latencyMs":7,"errorRate":0.25}}');
    await faults.reload();
    expect(faults.current().http).toEqual({ latencyMs: 7, errorRate: 0.25 });
    writeFileSync(file, '{"http":{"latencyMs":"slow"}}');
    await faults.reload();
    expect(faults.current().http).toEqual({ latencyMs: 7, errorRate: 0.25 });
    rmSync(file);
    await faults.reload();
    expect(faults.current().http).toEqual({ latencyMs: 0, errorRate: 0 });
    faults.stop();
  });

  it('injects 503s at the configured rate on API routes only', async () => {
    const app = await createApp({ service: 'faults-test', logger });
    let settings = { http: { latencyMs: 0, errorRate: 1 } };
    registerHttpFaults(app, { current: () => settings });
    app.get('/things', async () => ({ ok: true }));
    await app.ready();
    const res = await app.inject({ url: '/things' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ type: 'https://shopwatch.dev/problems/injected-fault' });
    expect((await app.inject({ url: '/livez' })).statusCode).toBe(200);
    settings = { http: { latencyMs: 0, errorRate: 0 } };
    expect((await app.inject({ url: '/things' })).statusCode).toBe(200);
    await app.close();
  });
});
