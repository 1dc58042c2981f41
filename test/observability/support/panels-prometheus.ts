// Prometheus' HTTP API as the panel test reads it: a panel query over the last minutes (as a
// dashboard shows it) and the recording rules Prometheus has loaded.
import { infraEnv } from '@shopwatch/testkit';

/** How far back a panel looks: a rate over a burst a condition caused is seen for a while. */
const LOOKBACK_SECONDS = 600;

interface ApiAnswer<T> {
  status: 'success' | 'error';
  error?: string;
  data?: T;
}

async function api<T>(path: string, params: Record<string, string>): Promise<T> {
  const url = new URL(path, infraEnv().prometheusUrl);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  const response = await fetch(url, { signal: AbortSignal.timeout(15_000) });
  const body = (await response.json()) as ApiAnswer<T>;
  if (body.status !== 'success' || body.data === undefined) throw new PromQLError(`${path} ${JSON.stringify(params)}: ${body.error ?? response.status}`);
  return body.data;
}

/** Prometheus refused the query itself (bad PromQL, a variable left in): never "no data yet". */
export class PromQLError extends Error {}

/** Series of a range query over the lookback that have at least one number (NaN is no data). */
export async function seriesWithData(expr: string): Promise<number> {
  const end = Math.floor(Date.now() / 1000);
  const data = await api<{ result: Array<{ values: Array<[number, string]> }> }>('/api/v1/query_range', {
    query: expr,
    start: String(end - LOOKBACK_SECONDS),
    end: String(end),
    step: '15',
  });
  return data.result.filter((series) => series.values.some(([, v]) => !Number.isNaN(Number(v)))).length;
}

export interface LoadedRecordingRule {
  group: string;
  file: string;
  record: string;
  labels: Record<string, string>;
  health: string;
  lastError?: string;
}

export async function loadedRecordingRules(): Promise<LoadedRecordingRule[]> {
  const data = await api<{ groups: Array<{ name: string; file: string; rules: Array<{ name: string; labels?: Record<string, string>; health: string; lastError?: string }> }> }>(
    '/api/v1/rules',
    { type: 'record' },
  );
  return data.groups.flatMap((g) =>
    g.rules.map((r) => ({ group: g.name, file: g.file, record: r.name, labels: r.labels ?? {}, health: r.health, ...(r.lastError ? { lastError: r.lastError } : {}) })),
  );
}

/** The selector of what a recording rule wrote: its name and the labels it sets. */
export function recordedSelector(rule: LoadedRecordingRule): string {
  const matchers = Object.entries(rule.labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return `${rule.record}{${matchers.join(', ')}}`;
}
