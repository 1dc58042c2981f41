// Assembles a running operator from its configuration: API client, metrics, probe server,
// controller and (optionally) leader election. `stop()` is the graceful shutdown path:
// readiness goes false, workers finish in-flight reconciles, the lease is released, watches close.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import { Controller } from './controller/controller.ts';
import { EventRecorder } from './controller/events.ts';
import { buildDesired } from './desired/index.ts';
import { createProbeServer } from './http/server.ts';
import { KubeClient } from './kube/client.ts';
import { LEASE } from './kube/resources.ts';
import { LeaderElector } from './leader/lease.ts';
import { createMetrics, type OperatorMetrics } from './metrics.ts';

export interface RunningOperator {
  /** The probe/metrics port actually bound (useful with --port 0). */
  port: number;
  metrics: OperatorMetrics;
  stop(): Promise<void>;
}

export async function startOperator(config: Config, log: Logger): Promise<RunningOperator> {
  const client = await KubeClient.connect(config.kubeconfig);
  const metrics = createMetrics();
  const events = new EventRecorder({
    client,
    log,
    instance: config.leaderElection.identity,
    onWrite: () => metrics.apiWrites.inc({ kind: 'Event', verb: 'create' }),
  });
  const controller = new Controller({
    client,
    settings: config.settings,
    build: buildDesired,
    namespaces: config.namespaces,
    workers: config.workers,
    reconcilesPerSecond: config.reconcilesPerSecond,
    burst: config.burst,
    resyncMs: config.resyncMs,
    watchdogMs: config.watchdogMs,
    events,
    metrics,
    log,
  });

  let shuttingDown = false;
  let elector: LeaderElector | undefined;
  // The event loop is live if this timer keeps firing; a blocked loop fails /livez.
  let lastTick = Date.now();
  const ticker = setInterval(() => (lastTick = Date.now()), 1000);
  ticker.unref();

  const server: Server = createProbeServer(metrics.registry, {
    live: () => Date.now() - lastTick < 10_000,
    ready: () => {
      if (shuttingDown) return { ok: false, detail: 'shutting down' };
      if (elector && !elector.isLeader) return { ok: true, detail: 'standby: waiting for the leader lease' };
      return controller.synced ? { ok: true, detail: 'caches synced' } : { ok: false, detail: 'caches not synced yet' };
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.bindAddress, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  log.info({ port, namespaces: config.namespaces ?? 'all', leaderElection: config.leaderElection.enabled }, 'operator starting');

  // Caches start at once, on every replica, so a standby that wins the lease starts warm.
  const informersReady = controller.startInformers();
  informersReady.catch((error: unknown) => log.error({ err: String(error) }, 'could not start informers'));

  const lead = async (): Promise<void> => {
    await informersReady;
    if (shuttingDown || (elector && !elector.isLeader)) return;
    metrics.leader.set(1);
    controller.startWorkers();
  };

  if (config.leaderElection.enabled) {
    const le = config.leaderElection;
    elector = new LeaderElector({
      client,
      namespace: le.namespace,
      name: le.name,
      identity: le.identity,
      leaseDurationMs: le.leaseDurationMs,
      renewDeadlineMs: le.renewDeadlineMs,
      retryPeriodMs: le.retryPeriodMs,
      log,
      onStartedLeading: () => {
        void lead();
      },
      onStoppedLeading: async () => {
        metrics.leader.set(0);
        await controller.stopWorkers();
      },
      onWrite: (verb) => metrics.apiWrites.inc({ kind: LEASE.kind, verb }),
    });
    elector.start();
  } else {
    lead().catch((error: unknown) => log.error({ err: String(error) }, 'could not start reconciling'));
  }

  return {
    port,
    metrics,
    async stop() {
      if (shuttingDown) return;
      shuttingDown = true;
      log.info('shutting down');
      await controller.stopWorkers();
      metrics.leader.set(0);
      await elector?.stop();
      await controller.stop();
      clearInterval(ticker);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      client.close();
      log.info('stopped');
    },
  };
}
