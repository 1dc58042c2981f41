// `make dev-up` / `make dev-down` end to end: every service in scripts/dev/services.tsv starts on
// its local port and becomes ready, Prometheus scrapes each one, the shop answers through the
// gateway, and dev-down stops the services and nothing else (the infrastructure stays up).
// In the disruptive project because it starts a dozen processes on fixed ports: it runs alone.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { infraHealthy, queryPrometheus, repoRoot, waitFor } from '@shopwatch/testkit';
import { afterAll, expect, it } from 'vitest';

const run = promisify(execFile);
const root = repoRoot();
const services = readFileSync(path.join(root, 'scripts/dev/services.tsv'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() && !line.startsWith('#'))
  .map((line) => {
    const [name, port] = line.split('\t');
    return { name: name!, port: Number(port) };
  });

afterAll(async () => {
  await run(path.join(root, 'scripts/dev/down.sh'), { cwd: root });
});

it('starts every service, is scraped by Prometheus, serves the shop, and stops cleanly', async () => {
  await run(path.join(root, 'scripts/dev/up.sh'), { cwd: root, timeout: 180_000 });
  for (const { name, port } of services) {
    const res = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(res.status, name).toBe(200);
  }

  const scraped = await waitFor(
    'Prometheus scraping every dev service',
    async () => {
      const up = await queryPrometheus('up{namespace="local"} == 1');
      const names = new Set(up.map((sample) => sample.metric['service']));
      return services.every((s) => names.has(s.name)) ? names : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 1_000 },
  );
  expect(scraped.size).toBeGreaterThanOrEqual(services.length);

  const page = await fetch('http://127.0.0.1:8080/api/catalog/products?limit=3');
  expect(page.status).toBe(200);
  expect(((await page.json()) as { items: unknown[] }).items).toHaveLength(3);

  await run(path.join(root, 'scripts/dev/down.sh'), { cwd: root });
  for (const { name, port } of services) {
    await expect(fetch(`http://127.0.0.1:${port}/livez`), name).rejects.toThrow();
  }
  expect(await infraHealthy('postgres')).toBe(true);
  expect(await infraHealthy('kafka')).toBe(true);
});
