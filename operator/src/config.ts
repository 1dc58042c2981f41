// Operator configuration from flags, falling back to SHOPWATCH_* environment variables, then to
// defaults. Pure: parseConfig(argv, env) either returns a complete Config or throws a
// ConfigError whose message names the bad setting in one line.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { OperatorSettings } from './desired/contract.ts';

export interface Config {
  kubeconfig: string | undefined;
  /** Namespaces to watch; undefined = all namespaces (cluster mode). */
  namespaces: string[] | undefined;
  bindAddress: string;
  port: number;
  logLevel: string;
  workers: number;
  reconcilesPerSecond: number;
  burst: number;
  resyncMs: number;
  watchdogMs: number;
  leaderElection: {
    enabled: boolean;
    namespace: string;
    name: string;
    identity: string;
    leaseDurationMs: number;
    renewDeadlineMs: number;
    retryPeriodMs: number;
  };
  settings: OperatorSettings;
}

export class ConfigError extends Error {}

/** Each option: flag name, env name, help. Kept in one table so `--help` and the README agree. */
export const OPTIONS = {
  kubeconfig: { env: 'KUBECONFIG', help: 'kubeconfig file (default: KUBECONFIG, ~/.kube/config, then in-cluster)' },
  namespaces: { env: 'SHOPWATCH_NAMESPACES', help: 'comma-separated namespaces to watch; empty = all namespaces' },
  'bind-address': { env: 'SHOPWATCH_BIND_ADDRESS', help: 'address for /metrics, /livez, /readyz (default 0.0.0.0)' },
  port: { env: 'SHOPWATCH_PORT', help: 'port for /metrics, /livez, /readyz (default 8200)' },
  'log-level': { env: 'LOG_LEVEL', help: 'trace, debug, info, warn, error (default info)' },
  workers: { env: 'SHOPWATCH_WORKERS', help: 'concurrent reconciles (default 4)' },
  'reconciles-per-second': { env: 'SHOPWATCH_RECONCILES_PER_SECOND', help: 'global reconcile rate limit (default 50)' },
  burst: { env: 'SHOPWATCH_BURST', help: 'reconciles allowed in a burst above the rate (default 100)' },
  resync: { env: 'SHOPWATCH_RESYNC', help: 'requeue every resource this often (default 10m)' },
  'watch-watchdog': { env: 'SHOPWATCH_WATCH_WATCHDOG', help: 'restart a watch silent for this long (default 90s)' },
  'leader-elect': { env: 'SHOPWATCH_LEADER_ELECT', help: 'use a Lease so only one replica reconciles (default false)' },
  'leader-election-namespace': { env: 'POD_NAMESPACE', help: 'namespace of the Lease (default: POD_NAMESPACE, else default)' },
  'leader-election-id': { env: 'SHOPWATCH_LEADER_ELECTION_ID', help: 'name of the Lease (default shopwatch-operator)' },
  identity: { env: 'POD_NAME', help: 'this replica in the Lease (default: POD_NAME, else hostname plus a random suffix)' },
  'lease-duration': { env: 'SHOPWATCH_LEASE_DURATION', help: 'lease duration (default 15s)' },
  'renew-deadline': { env: 'SHOPWATCH_RENEW_DEADLINE', help: 'leader steps down if it cannot renew within this (default 10s)' },
  'retry-period': { env: 'SHOPWATCH_RETRY_PERIOD', help: 'how often to renew or try to acquire (default 2s)' },
  'default-release': { env: 'SHOPWATCH_DEFAULT_RELEASE', help: 'release label for kube-prometheus-stack selectors (default kube-prometheus-stack)' },
  'dashboard-label': { env: 'SHOPWATCH_DASHBOARD_LABEL', help: 'label the Grafana sidecar watches (default grafana_dashboard)' },
  'folder-annotation': { env: 'SHOPWATCH_FOLDER_ANNOTATION', help: 'annotation the Grafana sidecar reads for the folder (default grafana_folder)' },
  'grafana-url': { env: 'SHOPWATCH_GRAFANA_URL', help: 'Grafana base URL for dashboard links in alerts (default http://localhost:3000)' },
  'runbook-base-url': {
    env: 'SHOPWATCH_RUNBOOK_BASE_URL',
    help: 'where docs/runbooks is served; an alert links to <base>/<AlertName>.md unless it names its own (default https://shopwatch.dev/runbooks)',
  },
} as const;

type OptionName = keyof typeof OPTIONS;

/** Parses `500ms`, `15s`, `10m`, `1h` into milliseconds. */
export function parseDuration(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(value.trim());
  if (!match) throw new ConfigError(`not a duration: "${value}" (use e.g. 500ms, 15s, 10m, 1h)`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] as 'ms' | 's' | 'm' | 'h'];
  return Math.round(Number(match[1]) * unit);
}

export function parseConfig(argv: string[], env: NodeJS.ProcessEnv): Config {
  const options = Object.fromEntries(
    Object.keys(OPTIONS).map((name) => [name, { type: name === 'leader-elect' ? 'boolean' : 'string' }]),
  ) as Record<OptionName, { type: 'string' | 'boolean' }>;
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new ConfigError(error instanceof Error ? error.message : String(error));
  }
  const raw = (name: OptionName): string | undefined => {
    const flag = values[name];
    if (typeof flag === 'string') return flag;
    if (typeof flag === 'boolean') return String(flag);
    const fromEnv = env[OPTIONS[name].env];
    return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
  };
  const str = (name: OptionName, fallback: string): string => raw(name) ?? fallback;
  const wrap = <T>(name: OptionName, parse: (v: string) => T, fallback: string): T => {
    const value = str(name, fallback);
    try {
      return parse(value);
    } catch (error) {
      throw new ConfigError(`--${name} (${OPTIONS[name].env}): ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const positiveInt = (max: number) => (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > max) throw new Error(`"${v}" is not an integer between 1 and ${max}`);
    return n;
  };
  const positiveNumber = (v: string) => {
    const n = Number(v);
    if (!(n > 0)) throw new Error(`"${v}" is not a positive number`);
    return n;
  };
  const bool = (v: string) => {
    if (['true', '1', 'yes'].includes(v)) return true;
    if (['false', '0', 'no'].includes(v)) return false;
    throw new Error(`"${v}" is not a boolean`);
  };
  const level = (v: string) => {
    if (!['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'].includes(v)) throw new Error(`unknown log level "${v}"`);
    return v;
  };
  // Alert annotations are followed by people from Alertmanager and Grafana: only an absolute
  // http(s) URL works there, and a trailing slash would double up before the file name.
  const baseUrl = (v: string) => {
    if (!/^https?:\/\/[^/\s]+\S*$/.test(v)) throw new Error(`"${v}" is not an http(s) URL`);
    return v.replace(/\/+$/, '');
  };
  const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
  const namespaces = wrap(
    'namespaces',
    (v) => {
      const list = v.split(',').map((s) => s.trim()).filter(Boolean);
      for (const ns of list) if (!dnsLabel.test(ns)) throw new Error(`"${ns}" is not a valid namespace name`);
      return list.length > 0 ? [...new Set(list)] : undefined;
    },
    '',
  );

  const leaseDurationMs = wrap('lease-duration', parseDuration, '15s');
  const renewDeadlineMs = wrap('renew-deadline', parseDuration, '10s');
  const retryPeriodMs = wrap('retry-period', parseDuration, '2s');
  if (renewDeadlineMs >= leaseDurationMs) throw new ConfigError('--renew-deadline must be shorter than --lease-duration');
  if (retryPeriodMs >= renewDeadlineMs) throw new ConfigError('--retry-period must be shorter than --renew-deadline');

  return {
    kubeconfig: raw('kubeconfig'),
    namespaces,
    bindAddress: str('bind-address', '0.0.0.0'),
    port: wrap('port', (v) => (v === '0' ? 0 : positiveInt(65535)(v)), '8200'),
    logLevel: wrap('log-level', level, 'info'),
    workers: wrap('workers', positiveInt(64), '4'),
    reconcilesPerSecond: wrap('reconciles-per-second', positiveNumber, '50'),
    burst: wrap('burst', positiveInt(10_000), '100'),
    resyncMs: wrap('resync', parseDuration, '10m'),
    watchdogMs: wrap('watch-watchdog', parseDuration, '90s'),
    leaderElection: {
      enabled: wrap('leader-elect', bool, 'false'),
      namespace: str('leader-election-namespace', 'default'),
      name: str('leader-election-id', 'shopwatch-operator'),
      identity: str('identity', `${hostname()}_${randomUUID().slice(0, 8)}`),
      leaseDurationMs,
      renewDeadlineMs,
      retryPeriodMs,
    },
    settings: {
      defaultRelease: str('default-release', 'kube-prometheus-stack'),
      dashboardLabel: str('dashboard-label', 'grafana_dashboard'),
      folderAnnotation: str('folder-annotation', 'grafana_folder'),
      grafanaUrl: str('grafana-url', 'http://localhost:3000'),
      runbookBaseUrl: wrap('runbook-base-url', baseUrl, 'https://shopwatch.dev/runbooks'),
    },
  };
}

export function usage(): string {
  const lines = Object.entries(OPTIONS).map(([name, o]) => `  --${name.padEnd(27)} ${o.help} [env ${o.env}]`);
  return ['Usage: node operator/src/main.ts [options]', '', ...lines].join('\n');
}
