// The Redis client behind the rate limit. Commands fail fast instead of queueing while Redis is
// away (no offline queue, a short command timeout): the limiter then lets requests through
// (fail open, see routes/proxy.ts) and /readyz reports `redis`, rather than every request hanging.
import { Redis } from 'ioredis';

export function createRedis(url: string, commandTimeoutMs = 500): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: commandTimeoutMs,
    connectTimeout: 2_000,
    // Keep reconnecting with a capped backoff; the process must survive a Redis restart.
    retryStrategy: (times) => Math.min(times * 200, 2_000),
    lazyConnect: false,
  });
  // Connection errors are reported by readiness; an unhandled 'error' event would crash the process.
  redis.on('error', () => undefined);
  return redis;
}

export async function pingRedis(redis: Redis): Promise<void> {
  if (redis.status !== 'ready') throw new Error(`redis connection is ${redis.status}`);
  await redis.ping();
}
