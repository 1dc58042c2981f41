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

  const gateway = 'http://127.0.0.1:8080';
  const page = await fetch(`${gateway}/api/catalog/products?limit=3`);
  expect(page.status).toBe(200);
  const products = ((await page.json()) as { items: { id: string }[] }).items;
  expect(products).toHaveLength(3);

  // The storefront through the gateway, and a whole checkout saga: sign up, log in, order, confirmed.
  const home = await fetch(`${gateway}/`);
  expect(home.status).toBe(200);
  expect(await home.text()).toContain('<div id="root">');
  const json = { 'content-type': 'application/json' };
  const credentials = { email: `dev-up-${Date.now()}@example.com`, password: 'dev up password 123' };
  expect((await fetch(`${gateway}/api/users/signup`, { method: 'POST', headers: json, body: JSON.stringify({ ...credentials, displayName: 'Dev Up' }) })).status).toBe(201);
  const login = await fetch(`${gateway}/api/users/login`, { method: 'POST', headers: json, body: JSON.stringify(credentials) });
  const auth = { ...json, authorization: `Bearer ${((await login.json()) as { accessToken: string }).accessToken}` };
  const placed = await fetch(`${gateway}/api/orders/orders`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ items: [{ productId: products[1]!.id, quantity: 1 }], shipping: { country: 'DE', postalCode: '10115', city: 'Berlin', method: 'standard' } }),
  });
  expect(placed.status).toBe(202);
  const orderId = ((await placed.json()) as { id: string }).id;
  const final = await waitFor(
    'the order to reach a terminal state',
    async () => {
      const order = (await (await fetch(`${gateway}/api/orders/orders/${orderId}`, { headers: auth })).json()) as { status: string; reason: string | null };
      return order.status === 'confirmed' || order.status === 'cancelled' ? order : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 500 },
  );
  expect(final).toMatchObject({ status: 'confirmed', reason: null });

  await run(path.join(root, 'scripts/dev/down.sh'), { cwd: root });
  for (const { name, port } of services) {
    await expect(fetch(`http://127.0.0.1:${port}/livez`), name).rejects.toThrow();
  }
  expect(await infraHealthy('postgres')).toBe(true);
  expect(await infraHealthy('kafka')).toBe(true);
});
