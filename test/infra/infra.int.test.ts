// The local infrastructure really works: each program started by `make infra-up` does its job
// through the same settings (.local/infra.env) and helpers (@shopwatch/testkit) every other
// integration test uses.
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  infraEnv,
  queryPrometheus,
  startInfra,
  TEST_DATABASE_MARKER,
  type TestDatabase,
  uniqueName,
  waitFor,
} from '@shopwatch/testkit';

const env = infraEnv();

describe('infraEnv', () => {
  it('names the missing setting and the command that provides it', () => {
    const saved = { ...process.env };
    try {
      delete process.env['DATABASE_URL'];
      process.env['SHOPWATCH_ROOT'] = path.join(tmpdir(), uniqueName('no-infra')); // no .local/infra.env there
      expect(() => infraEnv()).toThrow('run make infra-up (missing DATABASE_URL)');
    } finally {
      process.env = saved;
    }
  });

  it('reads every setting the scripts write', () => {
    expect(env.databaseUrl).toBe('postgres://shopwatch:shopwatch@127.0.0.1:55432/shopwatch');
    expect(env.kafkaBrokers).toEqual(['127.0.0.1:59092']);
    expect(env.redisUrl).toBe('redis://127.0.0.1:56379');
    expect(env.prometheusUrl).toBe('http://127.0.0.1:59090');
    expect(path.isAbsolute(env.prometheusTargetsDir)).toBe(true);
  });
});

describe('PostgreSQL', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('infra');
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('gives each test file its own database owned by shopwatch', async () => {
    expect(db.name).toMatch(/^infra_[a-z0-9_]+$/);
    expect(new URL(db.url).pathname).toBe(`/${db.name}`);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const who = await client.query<{ db: string; owner: string }>(
        'SELECT current_database() AS db, pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = current_database()',
      );
      expect(who.rows).toEqual([{ db: db.name, owner: 'shopwatch' }]);
      await client.query('CREATE TABLE item (id serial PRIMARY KEY, name text NOT NULL)');
      await client.query('INSERT INTO item (name) VALUES ($1), ($2)', ['tea', 'thé — 茶']);
      const rows = await client.query<{ name: string }>('SELECT name FROM item ORDER BY id');
      expect(rows.rows.map((r) => r.name)).toEqual(['tea', 'thé — 茶']);
    } finally {
      await client.end();
    }
  });

  it('drop() removes the database even while a connection is still open', async () => {
    const extra = await createTestDatabase('infra drop');
    const leftOpen = new pg.Client({ connectionString: extra.url });
    leftOpen.on('error', () => undefined); // terminated by drop(), as intended
    await leftOpen.connect();
    await extra.drop();
    await extra.drop(); // idempotent
    const admin = new pg.Client({ connectionString: env.databaseUrl });
    await admin.connect();
    try {
      const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [extra.name]);
      expect(found.rowCount).toBe(0);
    } finally {
      await admin.end();
      await leftOpen.end().catch(() => undefined);
    }
  });

  it('infra start drops test databases over two hours old that nobody uses, and only those', async () => {
    const stale = await createTestDatabase('infra stale');
    const fresh = await createTestDatabase('infra fresh');
    const admin = new pg.Client({ connectionString: env.databaseUrl });
    await admin.connect();
    try {
      const old = new Date(Date.now() - 3 * 3600_000).toISOString();
      await admin.query(`COMMENT ON DATABASE "${stale.name}" IS '${TEST_DATABASE_MARKER}${old}'`);
      await startInfra('postgres'); // healthy already: only the bootstrap and clean-up SQL run
      const left = await admin.query<{ datname: string }>(
        'SELECT datname FROM pg_database WHERE datname = ANY($1) ORDER BY datname',
        [[stale.name, fresh.name, db.name]],
      );
      expect(left.rows.map((r) => r.datname)).toEqual([db.name, fresh.name].sort());
    } finally {
      await admin.end();
      await stale.drop();
      await fresh.drop();
    }
  });

  it('is tuned for tests: durable writes, relaxed commit waits, room for many pools', async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const settings = await client.query<{ name: string; setting: string }>(
        "SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'max_connections', 'listen_addresses')",
      );
      const byName = Object.fromEntries(settings.rows.map((r) => [r.name, r.setting]));
      expect(byName).toEqual({ fsync: 'on', synchronous_commit: 'off', max_connections: '300', listen_addresses: '127.0.0.1' });
    } finally {
      await client.end();
    }
  });
});

describe('Redis', () => {
  it('stores and returns a value, and expires it', async () => {
    const redis = new Redis(env.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    try {
      const key = uniqueName('infra-test');
      expect(await redis.set(key, 'värde', 'PX', 60_000)).toBe('OK');
      expect(await redis.get(key)).toBe('värde');
      const ttl = await redis.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);
      expect(await redis.del(key)).toBe(1);
      expect(await redis.get(key)).toBeNull();
    } finally {
      redis.disconnect();
    }
  });
});

describe('Kafka', () => {
  it('delivers produced messages to a consumer on an auto-created topic, in order per key', async () => {
    const kafka = new Kafka({ clientId: 'infra-test', brokers: env.kafkaBrokers, logLevel: logLevel.NOTHING });
    const topic = uniqueName('infra-test');
    // Idempotent, as the platform's producer is: the first send races the topic's creation, and a
    // plain producer's retry of a batch the broker had in fact written duplicates it (seen in CI:
    // "message 9" twice at two offsets, so 30 distinct offsets held 29 distinct messages).
    const producer = kafka.producer({ allowAutoTopicCreation: true, idempotent: true, maxInFlightRequests: 1 });
    // A short fetch wait lets disconnect() return quickly instead of after a 5 s long poll.
    const consumer = kafka.consumer({ groupId: uniqueName('infra-test-group'), maxWaitTimeInMs: 500 });
    // Kafka delivers at least once: a rebalance (the very first group on a fresh broker creates
    // __consumer_offsets) may hand out a message again, so count distinct partition/offsets.
    const received = new Map<string, { key: string; value: string; partition: number; offset: bigint }>();
    try {
      await producer.connect();
      const sent = Array.from({ length: 30 }, (_, i) => ({ key: `k${i % 3}`, value: `message ${i}` }));
      // The first send creates the topic (auto.create.topics.enable, num.partitions=3).
      await producer.send({ topic, messages: sent });

      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message, partition }) => {
          received.set(`${partition}:${message.offset}`, {
            key: message.key?.toString() ?? '',
            value: message.value?.toString() ?? '',
            partition,
            offset: BigInt(message.offset),
          });
          await Promise.resolve();
        },
      });
      await waitFor(`30 messages on ${topic}`, () => received.size >= 30, { timeoutMs: 45_000 });

      const messages = [...received.values()].sort((a, b) => a.partition - b.partition || Number(a.offset - b.offset));
      expect(messages.map((m) => m.value).sort()).toEqual(sent.map((m) => m.value).sort());
      for (const key of ['k0', 'k1', 'k2']) {
        const forKey = messages.filter((m) => m.key === key);
        expect(forKey.map((m) => m.value)).toEqual(sent.filter((m) => m.key === key).map((m) => m.value));
        expect(new Set(forKey.map((m) => m.partition)).size).toBe(1);
      }
      const admin = kafka.admin();
      await admin.connect();
      try {
        const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
        expect(metadata.topics[0]?.partitions).toHaveLength(3);
      } finally {
        await admin.disconnect();
      }
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
    }
  });
});

describe('Prometheus', () => {
  it('scrapes itself', async () => {
    const samples = await waitFor(
      'up{job="prometheus"} to be scraped',
      async () => {
        const result = await queryPrometheus('up{job="prometheus"}');
        return result.length > 0 ? result : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 500 },
    );
    expect(samples).toHaveLength(1);
    expect(samples[0]?.value).toBe(1);
    expect(samples[0]?.metric['instance']).toBe(new URL(env.prometheusUrl).host);
  });

  it('scrapes targets listed in a file under PROMETHEUS_TARGETS_DIR, with their labels', async () => {
    // Prometheus' own endpoint stands in for a local service; `make dev-up` writes the same format.
    const service = uniqueName('infra-test').replaceAll('-', '_');
    const file = path.join(env.prometheusTargetsDir, `${service}.json`);
    const target = new URL(env.prometheusUrl).host;
    await writeFile(file, JSON.stringify([{ targets: [target], labels: { service, namespace: 'local' } }]));
    try {
      const samples = await waitFor(
        `up{service="${service}"} to be scraped`,
        async () => {
          const result = await queryPrometheus(`up{service="${service}"}`);
          return result.length > 0 ? result : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 500 },
      );
      expect(samples.map((s) => [s.metric['job'], s.metric['namespace'], s.metric['instance'], s.value])).toEqual([
        ['services', 'local', target, 1],
      ]);
    } finally {
      await rm(file, { force: true });
    }
  });

  it('reports query errors instead of an empty result', async () => {
    await expect(queryPrometheus('up{')).rejects.toThrow(/prometheus query up\{ failed \(400\)/);
  });
});
