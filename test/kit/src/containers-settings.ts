// Settings of the testkit's containers mode (SHOPWATCH_TEST_INFRA=containers): which images
// PostgreSQL, Kafka and Redis run from, how each is configured, and the environment the tests
// then see. Pure: no container is started here (containers.ts does that).

/** The official images a laptop with Docker or podman pulls; CI passes the ones built here. */
export const DEFAULT_IMAGES = {
  postgres: 'postgres:16-alpine',
  redis: 'redis:7-alpine',
  // The Kafka version scripts/infra runs locally (SHOPWATCH_KAFKA_VERSION there).
  kafka: 'apache/kafka:4.3.1',
} as const;

export type InfraService = keyof typeof DEFAULT_IMAGES;

export interface ContainerInfraSettings {
  images: Record<InfraService, string>;
  /** Label (`name=value`) on every container, so a reaper can find what a crashed run left. */
  label: { name: string; value: string };
}

const IMAGE_VARIABLES: Record<InfraService, string> = {
  postgres: 'SHOPWATCH_POSTGRES_IMAGE',
  redis: 'SHOPWATCH_REDIS_IMAGE',
  kafka: 'SHOPWATCH_KAFKA_IMAGE',
};

/** True when the tests' infrastructure is to come from containers rather than local processes. */
export function containersMode(env: Readonly<Record<string, string | undefined>>): boolean {
  const mode = env['SHOPWATCH_TEST_INFRA'];
  if (mode === undefined || mode === '' || mode === 'local') return false;
  if (mode === 'containers') return true;
  throw new Error(`SHOPWATCH_TEST_INFRA must be "local" or "containers" (got "${mode}")`);
}

/**
 * Reads the image names (SHOPWATCH_POSTGRES_IMAGE, SHOPWATCH_REDIS_IMAGE, SHOPWATCH_KAFKA_IMAGE;
 * the official images when unset) and the reaper label (SHOPWATCH_CONTAINERS_LABEL, as
 * scripts/containers/podman-service.sh env prints it).
 */
export function containerInfraSettings(env: Readonly<Record<string, string | undefined>>): ContainerInfraSettings {
  const images = { ...DEFAULT_IMAGES } as Record<InfraService, string>;
  for (const service of Object.keys(IMAGE_VARIABLES) as InfraService[]) {
    const value = env[IMAGE_VARIABLES[service]]?.trim();
    if (value === undefined || value === '') continue;
    if (/\s/.test(value)) throw new Error(`${IMAGE_VARIABLES[service]} must be an image name (got "${value}")`);
    images[service] = value;
  }
  const labelText = env['SHOPWATCH_CONTAINERS_LABEL']?.trim() || 'dev.shopwatch.testkit=containers';
  const match = /^([a-z0-9][a-z0-9._-]*)=([A-Za-z0-9._-]+)$/.exec(labelText);
  if (!match?.[1] || !match[2]) {
    throw new Error(`SHOPWATCH_CONTAINERS_LABEL must look like name=value (got "${labelText}")`);
  }
  return { images, label: { name: match[1], value: match[2] } };
}

/** Credentials the PostgreSQL container is created with; the role may create databases. */
export const POSTGRES_CREDENTIALS = { user: 'shopwatch', password: 'shopwatch', database: 'shopwatch' } as const;

/**
 * Server options for the PostgreSQL container, the same as scripts/infra gives the local server
 * where they matter to tests: room for parallel test files' pools, quick commits, UTC.
 */
export const POSTGRES_COMMAND = [
  'postgres',
  '-c', 'max_connections=300',
  '-c', 'synchronous_commit=off',
  '-c', 'timezone=UTC',
  '-c', 'log_timezone=UTC',
] as const;

/** Redis as scripts/infra configures the local one: a bounded cache that never writes to disk. */
export const REDIS_COMMAND = [
  'redis-server',
  '--save', '',
  '--appendonly', 'no',
  '--maxmemory', '256mb',
  '--maxmemory-policy', 'allkeys-lru',
] as const;

/** The port a KRaft broker in the container listens on for clients outside it. */
export const KAFKA_CLIENT_PORT = 9092;

/**
 * The apache/kafka image's KAFKA_* variables for a single-node KRaft broker that clients on the
 * host reach at `advertisedHost:hostPort` (the published port), configured like the local broker
 * (scripts/infra/kafka/server.properties.template): topics auto-created with three partitions,
 * single-replica internal topics, no initial rebalance delay, few threads.
 */
export function kafkaEnvironment(advertisedHost: string, hostPort: number): Record<string, string> {
  if (!Number.isInteger(hostPort) || hostPort < 1 || hostPort > 65535) throw new Error(`invalid host port ${hostPort}`);
  return {
    // 16 bytes in URL-safe base64, as Kafka writes cluster ids ("shopwatch-tests!").
    CLUSTER_ID: 'c2hvcHdhdGNoLXRlc3RzIQ',
    KAFKA_NODE_ID: '1',
    KAFKA_PROCESS_ROLES: 'broker,controller',
    KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
    KAFKA_LISTENERS: `PLAINTEXT://:${KAFKA_CLIENT_PORT},CONTROLLER://localhost:9093`,
    KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://${advertisedHost}:${hostPort}`,
    KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
    KAFKA_INTER_BROKER_LISTENER_NAME: 'PLAINTEXT',
    KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    KAFKA_LOG_DIRS: '/tmp/kraft-combined-logs',
    KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'true',
    KAFKA_NUM_PARTITIONS: '3',
    KAFKA_DEFAULT_REPLICATION_FACTOR: '1',
    KAFKA_MIN_INSYNC_REPLICAS: '1',
    KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
    KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS: '10',
    KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
    KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
    KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR: '1',
    KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR: '1',
    KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
    KAFKA_NUM_NETWORK_THREADS: '2',
    KAFKA_NUM_IO_THREADS: '2',
    KAFKA_LOG_CLEANER_DEDUPE_BUFFER_SIZE: '8388608',
    // Both images read these JVM flags; a small heap suits a test broker on two cores.
    KAFKA_HEAP_OPTS: '-Xms32m -Xmx384m',
  };
}

export interface InfraEndpoints {
  postgres: { host: string; port: number };
  kafka: { host: string; port: number };
  redis: { host: string; port: number };
}

/**
 * The variables the tests read (the same names `.local/infra.env` has), pointing at the
 * containers' published ports.
 */
export function infraEnvironment(endpoints: InfraEndpoints): Record<'DATABASE_URL' | 'KAFKA_BROKERS' | 'REDIS_URL', string> {
  const { user, password, database } = POSTGRES_CREDENTIALS;
  return {
    DATABASE_URL: `postgres://${user}:${password}@${endpoints.postgres.host}:${endpoints.postgres.port}/${database}`,
    KAFKA_BROKERS: `${endpoints.kafka.host}:${endpoints.kafka.port}`,
    REDIS_URL: `redis://${endpoints.redis.host}:${endpoints.redis.port}`,
  };
}
