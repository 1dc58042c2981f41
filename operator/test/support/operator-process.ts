// Runs the real operator (`node operator/src/main.ts`) as a child process, so restarts, kills
// and leader failover in the tests are real process events. Reads its port from its own
// start-up log line and its counters from its own /metrics.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@shopwatch/testkit';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const mainScript = path.join(repoRoot, 'operator', 'src', 'main.ts');

export interface OperatorProcessOptions {
  /** Namespaces the operator watches. Tests always scope it, so parallel files never share work. */
  namespaces: string[];
  kubeconfig?: string;
  leaderElection?: { namespace: string; id: string; identity: string; leaseDuration?: string; renewDeadline?: string; retryPeriod?: string };
  extraArgs?: string[];
  env?: Record<string, string>;
}

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

export class OperatorProcess {
  readonly child: ChildProcess;
  readonly logs: LogLine[] = [];
  readonly stderr: string[] = [];
  #port: number | undefined;
  #exit: Promise<number | null>;

  private constructor(child: ChildProcess) {
    this.child = child;
    let buffer = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      buffer += chunk;
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        try {
          const parsed = JSON.parse(line) as LogLine;
          this.logs.push(parsed);
          if (parsed.msg === 'operator starting' && typeof parsed.port === 'number') this.#port = parsed.port;
        } catch {
          this.stderr.push(line);
        }
      }
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => this.stderr.push(chunk));
    this.#exit = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }

  static async start(options: OperatorProcessOptions): Promise<OperatorProcess> {
    const args = [
      mainScript,
      '--bind-address=127.0.0.1',
      '--port=0',
      `--namespaces=${options.namespaces.join(',')}`,
      '--log-level=debug',
      '--reconciles-per-second=200',
      '--burst=400',
      '--watch-watchdog=60s',
      ...(options.kubeconfig ? [`--kubeconfig=${options.kubeconfig}`] : []),
    ];
    const le = options.leaderElection;
    if (le) {
      args.push(
        '--leader-elect',
        `--leader-election-namespace=${le.namespace}`,
        `--leader-election-id=${le.id}`,
        `--identity=${le.identity}`,
        `--lease-duration=${le.leaseDuration ?? '15s'}`,
        `--renew-deadline=${le.renewDeadline ?? '10s'}`,
        `--retry-period=${le.retryPeriod ?? '2s'}`,
      );
    }
    args.push(...(options.extraArgs ?? []));
    const child = spawn(process.execPath, args, {
      cwd: repoRoot,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const operator = new OperatorProcess(child);
    await waitFor('operator to log its port', () => operator.#port ?? (operator.exited ? Promise.reject(new Error(operator.describe())) : undefined), {
      timeoutMs: 30_000,
    });
    return operator;
  }

  get port(): number {
    if (this.#port === undefined) throw new Error('operator has not started');
    return this.#port;
  }

  get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** Last lines of output, for failure messages. */
  describe(lines = 30): string {
    const text = [...this.logs.slice(-lines).map((l) => JSON.stringify(l)), ...this.stderr.slice(-5)].join('\n');
    return `operator pid ${this.child.pid ?? '?'} output:\n${text}`;
  }

  async get(pathname: string): Promise<{ status: number; text: string }> {
    const response = await fetch(`http://127.0.0.1:${this.port}${pathname}`);
    return { status: response.status, text: await response.text() };
  }

  async metrics(): Promise<string> {
    return (await this.get('/metrics')).text;
  }

  /** Sum of a metric's samples whose labels match `labels` (all samples when empty). */
  async metric(name: string, labels: Record<string, string> = {}): Promise<number> {
    return sumSamples(await this.metrics(), name, labels);
  }

  /** API writes for the resources and their outputs — everything except the leader Lease and Events. */
  async objectWrites(): Promise<number> {
    const text = await this.metrics();
    return sumSamples(text, 'shopwatch_operator_api_writes_total', {}, (l) => l.kind !== 'Lease' && l.kind !== 'Event');
  }

  async isLeader(): Promise<boolean> {
    return (await this.metric('shopwatch_operator_leader')) === 1;
  }

  /** SIGTERM and wait for the process to exit; returns its exit code. */
  async stop(): Promise<number | null> {
    if (!this.exited) this.child.kill('SIGTERM');
    return this.#exit;
  }

  /** SIGKILL: no graceful shutdown, no lease release. */
  async kill(): Promise<void> {
    if (!this.exited) this.child.kill('SIGKILL');
    await this.#exit;
  }
}

/** Parses Prometheus text format and sums samples of `name` matching the labels. */
export function sumSamples(
  text: string,
  name: string,
  labels: Record<string, string>,
  filter: (labels: Record<string, string>) => boolean = () => true,
): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    const sampleLabels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      sampleLabels[pair[1] as string] = pair[2] as string;
    }
    if (Object.entries(labels).every(([k, v]) => sampleLabels[k] === v) && filter(sampleLabels)) sum += Number(match[3]);
  }
  return sum;
}
