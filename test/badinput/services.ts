// The services the OpenAPI bad-input barrage covers, one entry each: how to start the real
// process (its src/server.ts) on loopback with a fresh database, unique Kafka topics and the
// shared JWT secret. Adding a service is one entry here; `routed` services are also attacked
// through the gateway under /api/<name>.
import { uniqueName } from '@shopwatch/testkit';

export interface StartContext {
  /** A fresh database for this service (only when `database` is set). */
  databaseUrl: string;
  kafkaBrokers: string;
  redisUrl: string;
  jwtSecret: string;
  /** Base URLs of the services started before this one, by name. */
  urls: Record<string, string>;
}

export interface BadInputService {
  name: string;
  /** Needs its own PostgreSQL database (migrated by the service at start). */
  database: boolean;
  /** Started after these (their URLs are in `urls`). */
  after?: string[];
  /** Reached through the gateway as /api/<name>. */
  routed: boolean;
  /** The role of the token sent to routes that need one (default admin). */
  role?: 'admin' | 'customer';
  env(ctx: StartContext): Record<string, string>;
}

/** Kafka domains whose topics a service may name (`<DOMAIN>_COMMANDS_TOPIC`, `<DOMAIN>_EVENTS_TOPIC`). */
const DOMAINS = ['catalog', 'users', 'inventory', 'orders', 'payments', 'shipping', 'notifications', 'support', 'analytics'];

/**
 * Run-unique topics (its own and every other domain's) and consumer group, and the background
 * workers off (relays, consumers, topic creation): only HTTP is under test, and nothing produced
 * here can reach anyone else's consumers.
 */
function kafkaEnv(ctx: StartContext, name: string): Record<string, string> {
  const base = uniqueName(`badinput-${name}`);
  const topics = Object.fromEntries(
    DOMAINS.flatMap((domain) => [
      [`${domain.toUpperCase()}_COMMANDS_TOPIC`, `${base}.${domain}.commands`],
      [`${domain.toUpperCase()}_EVENTS_TOPIC`, `${base}.${domain}.events`],
    ]),
  );
  return {
    KAFKA_BROKERS: ctx.kafkaBrokers,
    ...topics,
    COMMANDS_TOPIC: `${base}.commands`,
    EVENTS_TOPIC: `${base}.events`,
    CATALOG_VIEWS_TOPIC: `${base}.catalog.views`,
    DEAD_LETTER_TOPIC: `${base}.dead-letter`,
    CONSUMER_GROUP: `${base}-group`,
    OUTBOX_RELAY: 'false',
    COMMAND_CONSUMER: 'false',
    SAGA_CONSUMER: 'false',
    EVENT_CONSUMER: 'false',
    KAFKA_ENSURE_TOPICS: 'false',
  };
}

/** A database, Kafka (workers off) and the JWT secret: what most services need. */
const standard = (name: string, extra: (ctx: StartContext) => Record<string, string> = () => ({})) => (ctx: StartContext) => ({
  DATABASE_URL: ctx.databaseUrl,
  JWT_SECRET: ctx.jwtSecret,
  ...kafkaEnv(ctx, name),
  ...extra(ctx),
});

export const BAD_INPUT_SERVICES: BadInputService[] = [
  { name: 'psp', database: true, routed: false, env: (ctx) => ({ DATABASE_URL: ctx.databaseUrl }) },
  { name: 'users', database: true, routed: true, env: (ctx) => ({ DATABASE_URL: ctx.databaseUrl, JWT_SECRET: ctx.jwtSecret }) },
  { name: 'catalog', database: true, routed: true, env: standard('catalog') },
  { name: 'inventory', database: true, routed: true, env: standard('inventory', () => ({ RESERVATION_SWEEP_INTERVAL_MS: '0' })) },
  { name: 'payments', database: true, routed: true, after: ['psp'], env: standard('payments', (ctx) => ({ PSP_URL: ctx.urls['psp'] ?? '' })) },
  { name: 'orders', database: true, routed: true, after: ['catalog'], env: standard('orders', (ctx) => ({ CATALOG_URL: ctx.urls['catalog'] ?? '' })) },
  { name: 'shipping', database: true, routed: true, env: standard('shipping') },
  { name: 'notifications', database: true, routed: true, env: standard('notifications') },
  { name: 'support', database: true, routed: true, env: standard('support') },
  { name: 'analytics', database: true, routed: true, env: standard('analytics') },
];

/** The gateway in front of every routed service; limits high enough that validation, not the limiter, answers. */
export function gatewayEnv(ctx: StartContext): Record<string, string> {
  const upstreams = Object.fromEntries(Object.entries(ctx.urls).map(([name, url]) => [`${name.toUpperCase()}_URL`, url]));
  return {
    REDIS_URL: ctx.redisUrl,
    JWT_SECRET: ctx.jwtSecret,
    RATE_LIMIT_MAX: '1000000',
    RATE_LIMIT_AUTH_MAX: '1000000',
    // Its own counters: the barrage must not count against another gateway sharing this Redis.
    RATE_LIMIT_KEY_PREFIX: `${uniqueName('badinput-rl')}:`,
    ...upstreams,
  };
}
