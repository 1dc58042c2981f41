// The gateway's rate-limit store: @fastify/rate-limit decides (key, allow-list, limits, headers,
// 429) and calls this store's `incr` to count each request. It keeps a fixed-window counter per
// key (client × upstream × route class) shared by every replica through Redis, without a Redis
// round trip on most requests.
//
// Each replica keeps, per key, its last view of the shared count (`known`, what Redis answered
// at its last sync) and the requests it admitted since (`pending`). A request is counted locally
// when that view is fresh (younger than 3 sync intervals), the replica holds fewer than `batch`
// unsynced admissions for the key, and view + pending is below the limit minus a headroom of
// 4 × batch. Pending counts are added to Redis in one pipeline every sync interval. Every other
// request — near the limit, a stale view, a full batch, or a limit too small to batch (batch is 5%
// of the limit, rounded down: limits under 20 are always counted in Redis) — is counted in Redis
// at once (INCRBY of itself plus the key's pending), which is exact. With a sync interval of 0
// every request is counted in Redis.
//
// Bound across replicas: other replicas cannot yet see at most two batches of a replica's
// admissions per key (one pending, one being synced), and the headroom absorbs four batches, so
// with two replicas the limit holds exactly (tested); each further replica can let through at
// most two more batches (10% of the limit) per window.
// When Redis cannot be reached `incr` fails and the limit fails open (`skipOnError`, see
// routes/proxy.ts).
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Redis } from 'ioredis';

/** What `incr` answers @fastify/rate-limit: the shared count including this request, and ms until the window resets. */
export interface StoreCount {
  current: number;
  /** Milliseconds until the window resets (≥ 1). */
  ttl: number;
}

export type StoreCallback = (error: Error | null, result?: StoreCount) => void;

export interface BatchedRedisStoreOptions {
  keyPrefix: string;
  /** How often pending counts are added to Redis, in ms; 0 counts every request in Redis. */
  syncIntervalMs: number;
  now?: () => number;
  /** Most keys remembered locally; beyond it, new keys are counted in Redis directly. */
  maxEntries?: number;
}

interface Entry {
  window: number;
  resetAt: number;
  /** The shared count Redis last answered for this key and window. */
  known: number;
  /** Admitted here since the last sync; not yet in Redis. */
  pending: number;
  syncedAt: number;
}

/** Share of the limit a replica may admit without telling Redis. */
const BATCH_SHARE = 0.05;
/** Replicas whose unsynced batches the headroom absorbs. */
const HEADROOM_BATCHES = 4;
/** A view older than this many sync intervals is refreshed before deciding locally. */
const FRESH_INTERVALS = 3;

export function batchFor(max: number): number {
  return Math.floor(max * BATCH_SHARE);
}

/** A class whose every construction answers `store`. */
function constructing(store: FastifyRateLimitStore): FastifyRateLimitStoreCtor {
  return class {
    constructor() {
      return store;
    }
  } as unknown as FastifyRateLimitStoreCtor;
}

export class BatchedRedisStore implements FastifyRateLimitStore {
  private readonly entries = new Map<string, Entry>();
  private readonly redis: Redis;
  private readonly keyPrefix: string;
  private readonly syncIntervalMs: number;
  private readonly now: () => number;
  private readonly maxEntries: number;
  private timer: NodeJS.Timeout | undefined;
  private syncing: Promise<void> | undefined;

  constructor(redis: Redis, options: BatchedRedisStoreOptions) {
    this.redis = redis;
    this.keyPrefix = options.keyPrefix;
    this.syncIntervalMs = options.syncIntervalMs;
    this.now = options.now ?? Date.now;
    this.maxEntries = options.maxEntries ?? 100_000;
  }

  /**
   * The class to pass as @fastify/rate-limit's `store`: the plugin constructs it with its own
   * options (which this store does not need) and gets this store, so the app keeps a handle on
   * it (to sync and close it).
   */
  asStoreClass(): FastifyRateLimitStoreCtor {
    return constructing(this);
  }

  /**
   * Route-level limits share this store: its keys already name the upstream and route class, and
   * `incr` is given each route's window and limit.
   */
  child(): FastifyRateLimitStore {
    return this;
  }

  /**
   * Counts one request for `key` (@fastify/rate-limit's store interface). Decided locally when it
   * may be (see the top of this file), then `callback` is called synchronously (no promise);
   * else counted in Redis, and `callback` gets the error if Redis fails.
   */
  incr(key: string, callback: StoreCallback, timeWindow: number, max: number): void {
    const local = this.incrLocal(key, max, timeWindow);
    if (local) {
      callback(null, local);
      return;
    }
    this.incrExact(key, timeWindow).then(
      (count) => callback(null, count),
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
    );
  }

  /** Counts one request for `key` locally when it may be decided here; undefined when it must be counted in Redis. */
  incrLocal(key: string, max: number, windowMs: number): StoreCount | undefined {
    const batch = this.syncIntervalMs > 0 ? batchFor(max) : 0;
    if (batch < 1) return undefined;
    const t = this.now();
    const window = Math.floor(t / windowMs);
    const entry = this.entries.get(key);
    if (
      !entry ||
      entry.window !== window ||
      entry.pending >= batch ||
      t - entry.syncedAt >= FRESH_INTERVALS * this.syncIntervalMs ||
      entry.known + entry.pending >= max - HEADROOM_BATCHES * batch
    ) {
      return undefined;
    }
    entry.pending++;
    this.scheduleSync();
    return { current: entry.known + entry.pending, ttl: Math.max(1, entry.resetAt - t) };
  }

  /** Counts one request for `key` in Redis, with whatever is pending for it (exact); rejects if Redis fails. */
  async incrExact(key: string, windowMs: number): Promise<StoreCount> {
    const t = this.now();
    const window = Math.floor(t / windowMs);
    const resetAt = (window + 1) * windowMs;
    const ttl = Math.max(1, resetAt - t);
    const entry = this.entryFor(key, window, resetAt);

    // Exact: this request and whatever is pending for the key, counted in Redis now.
    const add = 1 + (entry?.pending ?? 0);
    if (entry) entry.pending = 0;
    let total: number;
    try {
      total = await this.increment(key, window, add, resetAt);
    } catch (error) {
      // Not counted anywhere: give the pending ones back so a later sync may still add them.
      if (entry && entry.window === window) entry.pending += add - 1;
      throw error;
    }
    if (entry && entry.window === window) {
      entry.known = Math.max(entry.known, total);
      entry.syncedAt = this.now();
    }
    return { current: total, ttl };
  }

  /** Adds every pending count to Redis (one pipeline) and refreshes the views. */
  async sync(): Promise<void> {
    if (this.syncing) return this.syncing;
    this.syncing = this.syncOnce().finally(() => (this.syncing = undefined));
    return this.syncing;
  }

  /** Stops the timer and adds what is pending; never rejects. */
  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.sync().catch(() => undefined);
  }

  private entryFor(key: string, window: number, resetAt: number): Entry | undefined {
    let entry = this.entries.get(key);
    if (entry && entry.window === window) return entry;
    if (!entry && this.entries.size >= this.maxEntries) {
      this.forgetExpired();
      if (this.entries.size >= this.maxEntries) return undefined;
    }
    // A new window starts from zero; anything still pending belonged to the old one (its key expires).
    entry = { window, resetAt, known: 0, pending: 0, syncedAt: Number.NEGATIVE_INFINITY };
    this.entries.set(key, entry);
    return entry;
  }

  private redisKey(key: string, window: number): string {
    return `${this.keyPrefix}${key}:${window}`;
  }

  private async increment(key: string, window: number, add: number, resetAt: number): Promise<number> {
    const redisKey = this.redisKey(key, window);
    const results = await this.redis.multi().incrby(redisKey, add).pexpireat(redisKey, resetAt + 1_000).exec();
    const [error, total] = results?.[0] ?? [new Error('no reply from redis'), undefined];
    if (error) throw error;
    return Number(total);
  }

  private scheduleSync(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // Failures are not fatal: the counts stay local (fail open) and the next sync retries them.
      this.sync().catch(() => undefined);
    }, this.syncIntervalMs);
    this.timer.unref();
  }

  private async syncOnce(): Promise<void> {
    const batch: Array<{ entry: Entry; key: string; add: number }> = [];
    for (const [key, entry] of this.entries) {
      if (entry.pending === 0) continue;
      batch.push({ entry, key, add: entry.pending });
      entry.pending = 0;
    }
    this.forgetExpired();
    if (batch.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const { entry, key, add } of batch) {
      const redisKey = this.redisKey(key, entry.window);
      pipeline.incrby(redisKey, add).pexpireat(redisKey, entry.resetAt + 1_000);
    }
    let results: Array<[Error | null, unknown]> | null;
    try {
      results = await pipeline.exec();
    } catch (error) {
      for (const { entry, add } of batch) entry.pending += add;
      throw error;
    }
    const syncedAt = this.now();
    batch.forEach(({ entry, add }, i) => {
      const [error, total] = results?.[i * 2] ?? [new Error('no reply from redis'), undefined];
      if (error) {
        entry.pending += add;
        return;
      }
      entry.known = Math.max(entry.known, Number(total));
      entry.syncedAt = syncedAt;
    });
    if ([...this.entries.values()].some((e) => e.pending > 0)) this.scheduleSync();
  }

  private forgetExpired(): void {
    const t = this.now();
    for (const [key, entry] of this.entries) {
      if (entry.resetAt <= t && entry.pending === 0) this.entries.delete(key);
    }
  }
}
