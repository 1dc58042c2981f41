// The testkit's second way to get its infrastructure (SHOPWATCH_TEST_INFRA=containers):
// PostgreSQL, Kafka and Redis as containers started through testcontainers, on whatever Docker
// API DOCKER_HOST names (Docker on a laptop; podman's compatible service here, see
// scripts/containers/podman-service.sh). Settings and configuration: containers-settings.ts.
//
// Readiness is decided by talking to each server through its published port (the protocol, not
// a log line): podman's log streams can end early under load, and its health checks need systemd.
import { execFile } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import {
  type BoundPorts,
  GenericContainer,
  getContainerRuntimeClient,
  type StartedTestContainer,
  type WaitStrategy,
} from 'testcontainers';
import {
  type ContainerInfraSettings,
  infraEnvironment,
  type InfraService,
  KAFKA_CLIENT_PORT,
  kafkaEnvironment,
  POSTGRES_COMMAND,
  POSTGRES_CREDENTIALS,
  REDIS_COMMAND,
} from './containers-settings.ts';
import { repoRoot } from './infra.ts';

const run = promisify(execFile);

/** How long a container may take to answer (Kafka's JVM on a busy two-core machine is the slow one). */
const READY_TIMEOUT_MS: Record<InfraService, number> = { postgres: 120_000, redis: 120_000, kafka: 240_000 };

type Probe = (host: string, port: number) => Promise<boolean>;

/**
 * A testcontainers wait strategy that polls `probe` against the published port until it answers,
 * and fails at once (with the container's exit code) if the container stops meanwhile.
 */
class ProbeWaitStrategy implements WaitStrategy {
  private readonly description: string;
  private readonly containerPort: number;
  private readonly probe: Probe;
  private timeoutMs: number;
  private timeoutSet = false;

  constructor(description: string, containerPort: number, probe: Probe, defaultTimeoutMs: number) {
    this.description = description;
    this.containerPort = containerPort;
    this.probe = probe;
    this.timeoutMs = defaultTimeoutMs;
  }

  async waitUntilReady(container: Parameters<WaitStrategy['waitUntilReady']>[0], boundPorts: BoundPorts): Promise<void> {
    const client = await getContainerRuntimeClient();
    const host = client.info.containerRuntime.host;
    const port = boundPorts.getBinding(this.containerPort);
    // Not the kit's waitFor: a container that exited must end the wait at once, not time out.
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      if (await this.probe(host, port)) return;
      const state = (await container.inspect()).State;
      if (!state.Running) {
        throw new Error(`${this.description}: the container exited with code ${state.ExitCode} before it answered on ${host}:${port}`);
      }
      if (Date.now() >= deadline) {
        throw new Error(`${this.description} not answering on ${host}:${port} after ${this.timeoutMs} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  withStartupTimeout(startupTimeoutMs: number): this {
    this.timeoutMs = startupTimeoutMs;
    this.timeoutSet = true;
    return this;
  }

  isStartupTimeoutSet(): boolean {
    return this.timeoutSet;
  }

  getStartupTimeout(): number {
    return this.timeoutMs;
  }
}

async function postgresAnswers(host: string, port: number): Promise<boolean> {
  const { user, password, database } = POSTGRES_CREDENTIALS;
  const client = new pg.Client({ host, port, user, password, database, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** One PING over a plain connection: `+PONG` once Redis accepts commands. */
function redisAnswers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    let reply = '';
    const done = (answer: boolean): void => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(3_000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
    socket.on('close', () => done(false));
  });
}

/**
 * The same probe `make infra-up` waits for (scripts/infra/kafka/health-probe.mjs): the broker lists
 * itself with an active controller and the group coordinator answers.
 */
async function kafkaAnswers(host: string, port: number): Promise<boolean> {
  const probe = path.join(repoRoot(), 'scripts', 'infra', 'kafka', 'health-probe.mjs');
  try {
    await run(process.execPath, [probe, host, String(port)], { timeout: 15_000 });
    return true;
  } catch {
    return false;
  }
}

/** A port nobody listens on right now, for the one container that must know its published port up front. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function labels(settings: ContainerInfraSettings, service: InfraService): Record<string, string> {
  return { [settings.label.name]: settings.label.value, 'dev.shopwatch.service': service };
}

// GenericContainer for all three, configured through each official image's own contract
// (images/infra/README.md): the modules' containers (@testcontainers/postgresql, …/redis) would add
// health-check waits, which podman runs from systemd timers (absent here), and nothing else we use.

function startPostgres(settings: ContainerInfraSettings): Promise<StartedTestContainer> {
  const { user, password, database } = POSTGRES_CREDENTIALS;
  return new GenericContainer(settings.images.postgres)
    .withEnvironment({ POSTGRES_USER: user, POSTGRES_PASSWORD: password, POSTGRES_DB: database })
    .withCommand([...POSTGRES_COMMAND])
    .withExposedPorts(5432)
    .withLabels(labels(settings, 'postgres'))
    .withWaitStrategy(new ProbeWaitStrategy('PostgreSQL', 5432, postgresAnswers, READY_TIMEOUT_MS.postgres))
    .start();
}

function startRedis(settings: ContainerInfraSettings): Promise<StartedTestContainer> {
  return new GenericContainer(settings.images.redis)
    .withCommand([...REDIS_COMMAND])
    .withExposedPorts(6379)
    .withLabels(labels(settings, 'redis'))
    .withWaitStrategy(new ProbeWaitStrategy('Redis', 6379, redisAnswers, READY_TIMEOUT_MS.redis))
    .start();
}

/**
 * Kafka (@testcontainers/kafka drives Confluent's images only, not apache/kafka). A broker must
 * advertise the address clients reach it at, so the published port is chosen before the start.
 */
async function startKafka(settings: ContainerInfraSettings): Promise<StartedTestContainer> {
  const client = await getContainerRuntimeClient();
  const host = client.info.containerRuntime.host;
  const hostPort = await freePort();
  return new GenericContainer(settings.images.kafka)
    .withExposedPorts({ container: KAFKA_CLIENT_PORT, host: hostPort })
    .withEnvironment(kafkaEnvironment(host, hostPort))
    .withLabels(labels(settings, 'kafka'))
    .withWaitStrategy(new ProbeWaitStrategy('Kafka', KAFKA_CLIENT_PORT, kafkaAnswers, READY_TIMEOUT_MS.kafka))
    .start();
}

const STARTERS: Record<InfraService, (settings: ContainerInfraSettings) => Promise<StartedTestContainer>> = {
  postgres: startPostgres,
  redis: startRedis,
  kafka: startKafka,
};

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Starts one service's container; a failed first start is reported and tried once more. */
async function startWithRetry(
  service: InfraService,
  settings: ContainerInfraSettings,
  report: (line: string) => void,
): Promise<{ container: StartedTestContainer; seconds: number }> {
  const started = performance.now();
  try {
    const container = await STARTERS[service](settings);
    return { container, seconds: (performance.now() - started) / 1000 };
  } catch (first) {
    report(`testkit: the ${service} container (${settings.images[service]}) failed to start, retrying once: ${describeError(first)}`);
    try {
      const container = await STARTERS[service](settings);
      return { container, seconds: (performance.now() - started) / 1000 };
    } catch (second) {
      throw new Error(
        `the ${service} container (${settings.images[service]}) failed to start twice: ${describeError(second)} (first: ${describeError(first)})`,
        { cause: second },
      );
    }
  }
}

export interface InfraContainers {
  /** DATABASE_URL, KAFKA_BROKERS, REDIS_URL pointing at the containers (as `.local/infra.env` names them). */
  env: ReturnType<typeof infraEnvironment>;
  containers: Record<InfraService, StartedTestContainer>;
  /** Seconds from asking for each container to its server answering (retry included). */
  readySeconds: Record<InfraService, number>;
  /** Stops and removes the three containers and their volumes. */
  stop(): Promise<void>;
}

const SERVICES: InfraService[] = ['postgres', 'redis', 'kafka'];

/** Starts PostgreSQL, Redis and Kafka containers side by side and resolves once each answers. */
export async function startInfraContainers(
  settings: ContainerInfraSettings,
  report: (line: string) => void = (line) => console.error(line),
): Promise<InfraContainers> {
  const results = await Promise.allSettled(SERVICES.map((service) => startWithRetry(service, settings, report)));
  const failures = results.flatMap((result) => (result.status === 'rejected' ? [describeError(result.reason)] : []));
  if (failures.length > 0) {
    const started = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value.container] : []));
    await Promise.all(started.map((container) => container.stop({ removeVolumes: true }).catch(() => undefined)));
    throw new Error(`containers mode: ${failures.join('; ')}`);
  }
  const byService = Object.fromEntries(
    SERVICES.map((service, index) => [service, (results[index] as PromiseFulfilledResult<{ container: StartedTestContainer; seconds: number }>).value]),
  ) as Record<InfraService, { container: StartedTestContainer; seconds: number }>;
  const endpoint = (service: InfraService, port: number) => {
    const container = byService[service].container;
    return { host: container.getHost(), port: container.getMappedPort(port) };
  };
  const containers = { postgres: byService.postgres.container, redis: byService.redis.container, kafka: byService.kafka.container };
  return {
    env: infraEnvironment({
      postgres: endpoint('postgres', 5432),
      redis: endpoint('redis', 6379),
      kafka: endpoint('kafka', KAFKA_CLIENT_PORT),
    }),
    containers,
    readySeconds: {
      postgres: byService.postgres.seconds,
      redis: byService.redis.seconds,
      kafka: byService.kafka.seconds,
    },
    stop: async () => {
      await Promise.all(SERVICES.map((service) => containers[service].stop({ timeout: 10_000, removeVolumes: true })));
    },
  };
}
