// What the drills read from Prometheus: the active alerts (/api/v1/alerts, pending and firing,
// with the moment each became active) and the pure rules that judge them — which alert a drill
// waits for, and which pages are unrelated to the fault under test.
import { infraEnv } from '@shopwatch/testkit';

export interface ActiveAlert {
  name: string;
  state: 'pending' | 'firing';
  severity: string;
  service: string;
  labels: Record<string, string>;
  /** When the alert's expression first held (it became pending), ms since the epoch. */
  activeAtMs: number;
}

interface AlertsResponse {
  status: string;
  data?: { alerts: Array<{ labels: Record<string, string>; state: string; activeAt?: string }> };
  error?: string;
}

/** Severity that pages a person; everything else (warning, info) opens a ticket. */
export const PAGE_SEVERITY = 'critical';

export async function activeAlerts(): Promise<ActiveAlert[]> {
  const response = await fetch(new URL('/api/v1/alerts', infraEnv().prometheusUrl), { signal: AbortSignal.timeout(10_000) });
  const body = (await response.json()) as AlertsResponse;
  if (body.status !== 'success' || !body.data) throw new Error(`prometheus /api/v1/alerts failed (${response.status}): ${body.error ?? 'no data'}`);
  return body.data.alerts
    .filter((a) => a.state === 'pending' || a.state === 'firing')
    .map((a) => ({
      name: a.labels['alertname'] ?? '',
      state: a.state as ActiveAlert['state'],
      severity: a.labels['severity'] ?? '',
      service: a.labels['service'] ?? '',
      labels: a.labels,
      activeAtMs: a.activeAt ? Date.parse(a.activeAt) : Number.NaN,
    }));
}

/** Names of every alerting rule Prometheus has loaded (a drill whose alert is missing fails at once). */
export async function loadedAlertRules(): Promise<Set<string>> {
  const url = new URL('/api/v1/rules', infraEnv().prometheusUrl);
  url.searchParams.set('type', 'alert');
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  const body = (await response.json()) as { status: string; data?: { groups: Array<{ rules: Array<{ name: string }> }> } };
  if (body.status !== 'success' || !body.data) throw new Error(`prometheus /api/v1/rules failed (${response.status})`);
  return new Set(body.data.groups.flatMap((g) => g.rules.map((r) => r.name)));
}

export interface AlertRef {
  alert: string;
  service: string;
}

export function matches(alert: ActiveAlert, ref: AlertRef): boolean {
  return alert.name === ref.alert && alert.service === ref.service;
}

export function describe(alert: ActiveAlert): string {
  const extra = Object.entries(alert.labels)
    .filter(([k]) => !['alertname', 'severity', 'service', 'namespace', 'slo'].includes(k) || (k === 'slo' && alert.labels[k] !== 'none'))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return `${alert.name}{service=${alert.service}${extra ? `,${extra}` : ''}} ${alert.state} (${alert.severity})`;
}

/**
 * Pages caused while a fault was in force that are not about a service on the fault's path:
 * critical alerts that became active after the fault was injected, for a service outside
 * `blastRadius`. Pages already active before the injection are not the fault's doing.
 */
export function unrelatedPages(alerts: ActiveAlert[], injectedAtMs: number, blastRadius: readonly string[]): ActiveAlert[] {
  return alerts.filter((a) => a.severity === PAGE_SEVERITY && a.activeAtMs >= injectedAtMs && !blastRadius.includes(a.service));
}
