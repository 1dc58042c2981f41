// One way to start a service. A server.ts declares what is particular to it (its app, its
// consumers' handlers, its jobs, its topics); the platform does the rest in the same order for
// every service: configuration (one line and exit 1 when it is wrong), tracing — started before
// the service's own modules are imported, which is why `start` imports them with `await import()`:
// instrumentation patches modules as they load — the logger, migrations and the pool, the faults
// watcher, topics, event consumers, recurring jobs and the outbox relay. Each resource registers
// its own close in CLOSE_ORDER and its own readiness check; then the service listens.
import type { TObject } from 'typebox';
import type { BaseConfig } from '../config/load-config.ts';
import { createPool, pingDatabase, type Pool } from '../db/index.ts';
import { watchFaults, type Faults } from '../faults/faults.ts';
import { HttpFaultsSchemaFile } from '../faults/http-faults.ts';
import type { App } from '../http/create-app.ts';
import { runService, startOrExit } from '../http/run-service.ts';
import { attachEventConsumer, type AttachConsumerOptions } from '../inbox/index.ts';
import { createEventProducer, createKafkaClient, ensureTopics, parseBrokers, type EventProducer, type KafkaClient, type TopicSpec } from '../kafka/index.ts';
import { attachOutboxRelay } from '../outbox/index.ts';
import { createLogger, type Logger } from '../telemetry/logger.ts';
import { startTracing } from '../telemetry/tracing.ts';
import { CloseSequence, type ClosePhase } from './close-order.ts';

/** The shared settings startService reads when the service's schema has them (see config/fragments.ts). */
export interface ServiceConfig extends BaseConfig {
  DATABASE_URL?: string;
  DATABASE_POOL_SIZE?: number;
  RUN_MIGRATIONS?: boolean;
  KAFKA_BROKERS?: string;
  KAFKA_ENSURE_TOPICS?: boolean;
  INBOX_RETENTION_HOURS?: number;
}

export interface ServiceContext<C extends ServiceConfig> {
  readonly name: string;
  readonly config: C;
  readonly logger: Logger;
  /**
   * Applies `migrate` (the service's migrations, which include the platform's) unless
   * RUN_MIGRATIONS=false, then opens the pool (DATABASE_POOL_SIZE); it closes after everything
   * that uses it and answers readiness as `postgres`.
   */
  readonly database: (migrate: (databaseUrl: string) => Promise<string[]>) => Promise<Pool>;
  /** The faults file (FAULTS_FILE) re-read at run time against `schema` (default: HTTP faults only). */
  readonly faults: { (): Faults<typeof HttpFaultsSchemaFile>; <S extends TObject>(schema: S): Faults<S> };
  /** The service's Kafka client (KAFKA_BROKERS, client id = service name), made once. */
  readonly kafka: () => KafkaClient;
  /** A connected producer of the app's own (dead letters, …): readiness `kafka`, closed with the clients. */
  readonly eventProducer: (app: App) => Promise<EventProducer>;
  /** A resource of the service's own closed in `phase` (e.g. a Redis connection in `clients`). */
  readonly onClose: (phase: ClosePhase, name: string, close: () => Promise<void> | void) => void;
}

/** An event consumer; the client, logger and inbox pruning (pool, INBOX_RETENTION_HOURS) come from the service. */
export type ConsumerSpec = Omit<AttachConsumerOptions, 'client' | 'logger' | 'inbox'>;

export interface JobSpec {
  /** Names the job in the shutdown log. */
  name: string;
  /** Started with `everyMs` when both are given; stop() finishes the run (or flush) in hand. */
  job: { start?(intervalMs: number): void; stop(): Promise<void> };
  everyMs?: number;
}

export interface ServiceParts {
  app: App;
  /** Created at start unless KAFKA_ENSURE_TOPICS=false. */
  topics?: readonly (TopicSpec | string)[];
  consumers?: readonly ConsumerSpec[];
  jobs?: readonly JobSpec[];
  /** Run the outbox relay (the service's OUTBOX_RELAY). */
  outboxRelay?: boolean;
  /** Extra fields of the `<name> listening` line. */
  listening?: Record<string, unknown>;
  /** Runs once the service listens (e.g. loadgen's arrivals). */
  afterListen?: () => void;
}

export interface ServiceDefinition<C extends ServiceConfig> {
  name: string;
  /** Reads and validates the environment; throw ConfigError for a one-line message and exit 1. */
  config: () => C;
  start: (service: ServiceContext<C>) => Promise<ServiceParts>;
}

/** Starts the service, or ends the process with exit 1 (a configuration error as one line). */
export function startService<C extends ServiceConfig>(definition: ServiceDefinition<C>): void {
  startOrExit(() => runDefinition(definition));
}

async function runDefinition<C extends ServiceConfig>(definition: ServiceDefinition<C>): Promise<void> {
  const { name } = definition;
  const config = definition.config();
  const tracing = await startTracing({
    service: name,
    endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
    sampleRatio: config.OTEL_TRACES_SAMPLER_ARG,
    protocol: config.OTEL_EXPORTER_OTLP_PROTOCOL,
  });
  const logger = createLogger({ service: name, level: config.LOG_LEVEL });
  const closing = new CloseSequence();
  closing.add('tracing', 'tracing', () => tracing.shutdown());
  const { context, pool: openedPool } = serviceContext(name, config, logger, closing);

  const parts = await definition.start(context);
  const { app } = parts;
  app.addHook('onClose', () => closing.run(logger));
  const pool = openedPool();
  if (pool) app.readiness.add('postgres', () => pingDatabase(pool));
  if (parts.topics?.length && config.KAFKA_ENSURE_TOPICS !== false) await ensureTopics(context.kafka(), parts.topics);
  for (const consumer of parts.consumers ?? []) {
    const inbox = pool && config.INBOX_RETENTION_HOURS !== undefined ? { inbox: { pool, retentionHours: config.INBOX_RETENTION_HOURS } } : {};
    const stop = await attachEventConsumer(app, { ...consumer, client: context.kafka(), logger, ...inbox });
    closing.add('consumers', `consumer ${consumer.groupId}`, stop);
  }
  for (const { name: jobName, job, everyMs } of parts.jobs ?? []) {
    if (everyMs !== undefined) job.start?.(everyMs);
    closing.add('jobs', jobName, () => job.stop());
  }
  if (parts.outboxRelay) {
    if (!pool) throw new Error(`${name}: the outbox relay needs the database (call database() in start)`);
    closing.add('relay', 'outbox relay', await attachOutboxRelay(app, { pool, kafka: context.kafka(), logger }));
  }

  await runService(app, { host: config.HOST, port: config.PORT, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS });
  parts.afterListen?.();
  logger.info({ port: config.PORT, tracing: tracing.enabled, ...parts.listening }, `${name} listening`);
}

/** What `start` is given: the shared resources, each registering its close as it is made. Plain
 * closures rather than methods, so `start({ database, faults })` may destructure them. */
function serviceContext<C extends ServiceConfig>(name: string, config: C, logger: Logger, closing: CloseSequence) {
  const state: { pool?: Pool; kafka?: KafkaClient } = {};
  const required = (variable: string, value: string | undefined): string => {
    // A programming error, not a configuration one: the service's schema lacks the fragment.
    if (value === undefined) throw new Error(`${name}: ${variable} is not in the service's configuration schema`);
    return value;
  };
  const kafka = (): KafkaClient => {
    state.kafka ??= createKafkaClient({ brokers: parseBrokers(required('KAFKA_BROKERS', config.KAFKA_BROKERS)), clientId: name, logger });
    return state.kafka;
  };
  function faults(): Faults<typeof HttpFaultsSchemaFile>;
  function faults<S extends TObject>(schema: S): Faults<S>;
  function faults(schema: TObject = HttpFaultsSchemaFile): Faults<TObject> {
    const watcher = watchFaults({ schema, file: config.FAULTS_FILE, logger });
    closing.add('faults', 'faults watcher', () => watcher.stop());
    return watcher;
  }
  const context: ServiceContext<C> = {
    name,
    config,
    logger,
    faults,
    kafka,
    async database(migrate) {
      if (state.pool) return state.pool;
      const url = required('DATABASE_URL', config.DATABASE_URL);
      if (config.RUN_MIGRATIONS !== false) {
        const applied = await migrate(url);
        if (applied.length) logger.info({ applied }, 'migrations applied');
      }
      const pool = createPool({ connectionString: url, max: config.DATABASE_POOL_SIZE ?? 10, applicationName: name });
      closing.add('pool', 'postgres pool', () => pool.end());
      state.pool = pool;
      return pool;
    },
    async eventProducer(app) {
      const producer = createEventProducer({ client: kafka(), registry: app.metrics.registry });
      await producer.connect();
      app.readiness.add('kafka', async () => {
        if (!producer.isConnected()) throw new Error('producer not connected');
      });
      closing.add('clients', 'event producer', () => producer.disconnect());
      return producer;
    },
    onClose: (phase, resource, close) => closing.add(phase, resource, close),
  };
  return { context, pool: () => state.pool };
}
