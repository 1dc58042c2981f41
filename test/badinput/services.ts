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

/** Unique topics and consumer group, and the background workers off: only HTTP is under test. */
function kafkaEnv(ctx: StartContext, name: string): Record<string, string> {
  const base = uniqueName(`badinput-${name}`);
  return {
    KAFKA_BROKERS: ctx.kafkaBrokers,
    COMMANDS_TOPIC: `${base}.commands`,
    EVENTS_TOPIC: `${base}.events`,
    CONSUMER_GROUP: `${base}-group`,
    OUTBOX_RELAY: 'false',
    COMMAND_CONSUMER: 'false',
    KAFKA_ENSURE_TOPICS: 'false',
  };
}

export const BAD_INPUT_SERVICES: BadInputService[] = [
  { name: 'psp', database: false, routed: false, env: () => ({}) },
  { name: 'users', database: true, routed: true, env: (ctx) => ({ DATABASE_URL: ctx.databaseUrl, JWT_SECRET: ctx.jwtSecret }) },
  {
    name: 'catalog',
    database: true,
    routed: true,
    env: (ctx) => ({ DATABASE_URL: ctx.databaseUrl, JWT_SECRET: ctx.jwtSecret, ...kafkaEnv(ctx, 'catalog') }),
  },
  {
    name: 'inventory',
    database: true,
    routed: true,
    env: (ctx) => ({ DATABASE_URL: ctx.databaseUrl, JWT_SECRET: ctx.jwtSecret, RESERVATION_SWEEP_INTERVAL_MS: '0', ...kafkaEnv(ctx, 'inventory') }),
  },
  {
    name: 'payments',
    database: true,
    routed: true,
    after: ['psp'],
    env: (ctx) => ({ DATABASE_URL: ctx.databaseUrl, PSP_URL: ctx.urls['psp'] ?? '', ...kafkaEnv(ctx, 'payments') }),
  },
];

/** The gateway in front of every routed service; limits high enough that validation, not the limiter, answers. */
export function gatewayEnv(ctx: StartContext): Record<string, string> {
  const upstreams = Object.fromEntries(Object.entries(ctx.urls).map(([name, url]) => [`${name.toUpperCase()}_URL`, url]));
  return { REDIS_URL: ctx.redisUrl, JWT_SECRET: ctx.jwtSecret, RATE_LIMIT_MAX: '1000000', RATE_LIMIT_AUTH_MAX: '1000000', ...upstreams };
}
