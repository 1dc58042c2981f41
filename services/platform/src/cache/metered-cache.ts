// An LRU cache (lru-cache) that counts hits and misses, so a dashboard can show whether the cache
// earns its memory. `cache` label values are fixed names chosen in code, never keys.
import { LRUCache } from 'lru-cache';
import { Counter, type Registry } from 'prom-client';

export interface MeteredCacheOptions {
  name: string;
  max: number;
  ttlMs: number;
  registry: Registry;
}

const counters = new WeakMap<Registry, Counter<'cache' | 'result'>>();

function requestsCounter(registry: Registry): Counter<'cache' | 'result'> {
  let counter = counters.get(registry);
  if (!counter) {
    counter = new Counter({
      name: 'shop_cache_requests_total',
      help: 'Cache lookups by cache name and result (hit or miss).',
      labelNames: ['cache', 'result'] as const,
      registers: [registry],
    });
    counters.set(registry, counter);
  }
  return counter;
}

export class MeteredCache<V extends NonNullable<unknown>> {
  private readonly lru: LRUCache<string, V>;
  private readonly hits;
  private readonly misses;

  constructor(options: MeteredCacheOptions) {
    this.lru = new LRUCache<string, V>({ max: options.max, ttl: options.ttlMs });
    const counter = requestsCounter(options.registry);
    this.hits = counter.labels(options.name, 'hit');
    this.misses = counter.labels(options.name, 'miss');
  }

  get(key: string): V | undefined {
    const value = this.lru.get(key);
    if (value === undefined) this.misses.inc();
    else this.hits.inc();
    return value;
  }

  set(key: string, value: V): void {
    this.lru.set(key, value);
  }

  delete(key: string): void {
    this.lru.delete(key);
  }

  clear(): void {
    this.lru.clear();
  }

  get size(): number {
    return this.lru.size;
  }
}
