// The panel test's hands on the dev shop (`make dev-up`): where each service listens, readiness of
// the services a step uses, tokens signed with the dev secret, and plain HTTP calls (optionally
// from another loopback address, so a burst has a rate-limit budget of its own).
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { issueToken, type Role } from '@shopwatch/platform';
import { repoRoot, waitFor } from '@shopwatch/testkit';

export function devPort(name: string): number {
  const line = readFileSync(path.join(repoRoot(), 'scripts', 'dev', 'services.tsv'), 'utf8')
    .split('\n')
    .find((l) => l.split('\t')[0] === name);
  if (!line) throw new Error(`${name} is not in scripts/dev/services.tsv`);
  return Number(line.split('\t')[1]);
}

export function devUrl(name: string): string {
  return `http://127.0.0.1:${devPort(name)}`;
}

/** Waits until every named service answers /readyz with 200: nothing is used while it restarts. */
export async function waitReady(names: readonly string[], timeoutMs = 120_000): Promise<void> {
  for (const name of names) {
    await waitFor(
      `${name} ready (/readyz 200)`,
      async () => {
        const response = await fetch(`${devUrl(name)}/readyz`, { signal: AbortSignal.timeout(3_000) });
        const body = await response.text();
        if (response.status !== 200) throw new Error(`${response.status} ${body}`);
        return true;
      },
      { timeoutMs, intervalMs: 1_000 },
    );
  }
}

export async function devToken(role: Role, subject: string): Promise<string> {
  const env = readFileSync(path.join(repoRoot(), '.local', 'dev.env'), 'utf8');
  const secret = /^JWT_SECRET=(.+)$/m.exec(env)?.[1];
  if (!secret) throw new Error('.local/dev.env has no JWT_SECRET (make dev-up writes it)');
  return issueToken({ secret }, { subject, role }, 3600);
}

export interface Answer {
  status: number;
  body: unknown;
}

/** One HTTP call; `from` binds the client to another loopback address (e.g. 127.0.0.3). */
export function call(url: string, options: { method?: string; token?: string; body?: unknown; from?: string } = {}): Promise<Answer> {
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string> = {};
  if (payload !== undefined) headers['content-type'] = 'application/json';
  if (options.token) headers['authorization'] = `Bearer ${options.token}`;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers, timeout: 10_000, ...(options.from ? { localAddress: options.from } : {}) }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON (a page, an asset): kept as text
        }
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${url}: no answer in 10 s`)));
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** A call that must answer one of `expected`; anything else throws with the answer. */
export async function expectCall(url: string, expected: number[], options: Parameters<typeof call>[1] = {}): Promise<unknown> {
  const answer = await call(url, options);
  if (!expected.includes(answer.status)) throw new Error(`${options.method ?? 'GET'} ${url} answered ${answer.status}, expected ${expected.join('|')}: ${JSON.stringify(answer.body)}`);
  return answer.body;
}
