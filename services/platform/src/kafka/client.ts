// The Kafka connection shared by a process's producers, consumers and admin calls. This folder is
// the only code that imports kafkajs; everything else sees the small interfaces exported here.
import { Kafka, logLevel, type LogEntry } from 'kafkajs';

/** The subset of a pino logger we use; pino's Logger satisfies it. */
export interface KafkaLogger {
  error(object: object, message?: string): void;
  warn(object: object, message?: string): void;
  info(object: object, message?: string): void;
  debug(object: object, message?: string): void;
}

export interface KafkaClientOptions {
  /** `host:port` list, e.g. from `KAFKA_BROKERS` split on commas. */
  brokers: readonly string[];
  /** Shown in broker logs and quotas; usually the service name. */
  clientId: string;
  /** Receives kafkajs's own log lines (warn and above). Without one they are dropped. */
  logger?: KafkaLogger;
  /** Connection timeout per broker in ms (default 3000). */
  connectionTimeoutMs?: number;
}

/** An opaque handle; create producers, consumers and admin calls from it. */
export interface KafkaClient {
  readonly clientId: string;
  readonly brokers: readonly string[];
}

const connections = new WeakMap<KafkaClient, Kafka>();

export function createKafkaClient(options: KafkaClientOptions): KafkaClient {
  const { logger } = options;
  const kafka = new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    connectionTimeout: options.connectionTimeoutMs ?? 3_000,
    logLevel: logger ? logLevel.WARN : logLevel.NOTHING,
    logCreator: () => (entry: LogEntry) => {
      if (!logger) return;
      const { message, ...fields } = entry.log;
      const line = { kafka: entry.namespace, ...fields };
      if (entry.level <= logLevel.ERROR) logger.error(line, message);
      else if (entry.level === logLevel.WARN) logger.warn(line, message);
      else if (entry.level === logLevel.INFO) logger.info(line, message);
      else logger.debug(line, message);
    },
  });
  const client: KafkaClient = Object.freeze({ clientId: options.clientId, brokers: [...options.brokers] });
  connections.set(client, kafka);
  return client;
}

/** The kafkajs instance behind a client (internal to this folder). */
export function kafkaOf(client: KafkaClient): Kafka {
  const kafka = connections.get(client);
  if (!kafka) throw new Error('not a KafkaClient created by createKafkaClient');
  return kafka;
}

/** `KAFKA_BROKERS` ("a:9092,b:9092") as a broker list. */
export function parseBrokers(value: string): string[] {
  return value
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker.length > 0);
}
