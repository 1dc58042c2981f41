// startService as a real process (the fixture service): it migrates, is ready only when every
// resource is (postgres, the relay's kafka, the consumer's group), carries an event from the outbox
// through Kafka to its own consumer, drains a request in flight on SIGTERM and closes its resources
// in the one order (consumers, jobs, relay, clients, faults, pool, tracing), exit 0; bad
// configuration is one line naming the variable, exit 1. Each service's process test keeps only
// what is particular to it.
import { fileURLToPath } from 'node:url';
import { createTestDatabase, infraEnv, spawnService, uniqueName, waitFor, type TestDatabase } from '@shopwatch/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafkaClient, deleteTopics } from '../../src/index.ts';
import { CLOSE_ORDER } from '../../src/service/close-order.ts';

const script = fileURLToPath(new URL('./fixture-service.ts', import.meta.url));
const topic = uniqueName('test.start-service');
let db: TestDatabase;
const env = () => ({ JWT_SECRET: 'fixture-secret-at-least-32-characters', DATABASE_URL: db.url, KAFKA_BROKERS: infraEnv().kafkaBrokers.join(','), FIXTURE_TOPIC: topic, CONSUMER_GROUP: `${topic}.group` });

beforeAll(async () => {
  db = await createTestDatabase('start-service');
});
afterAll(async () => {
  await db?.drop();
  await deleteTopics(createKafkaClient({ brokers: infraEnv().kafkaBrokers, clientId: 'start-service-test' }), [topic]).catch(() => undefined);
});

/** The `closed` lines of the shutdown, as [phase, resource]. */
function closes(output: string): [string, string][] {
  return output
    .split('\n')
    .filter((line) => line.includes('"msg":"closed"'))
    .map((line) => JSON.parse(line) as { phase: string; resource: string })
    .map(({ phase, resource }) => [phase, resource]);
}

describe('startService', () => {
  it('starts ready from its resources, relays and consumes, drains requests in flight on SIGTERM and closes in the one order', async () => {
    const service = await spawnService({ name: 'fixture', script, env: { ...env(), LOG_LEVEL: 'debug' } });
    let slow: Promise<{ status: number; body: unknown }[]> | undefined;
    try {
      const ready = (await (await fetch(`${service.url}/readyz`)).json()) as { checks: Record<string, string> };
      expect(ready.checks).toEqual({ postgres: 'ok', kafka: 'ok', 'kafka-consumer': 'ok' });
      expect(service.output()).toMatch(/"applied":\[[^\]]*fixture/);

      const note = uniqueName('note');
      const posted = await fetch(`${service.url}/notes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: note }) });
      expect(posted.status).toBe(202);
      await waitFor('the note consumed through the outbox and Kafka', () => service.output().includes(`"subject":"${note}"`), { timeoutMs: 45_000 });

      slow = Promise.all(
        Array.from({ length: 10 }, async () => {
          const res = await fetch(`${service.url}/slow?ms=1500`);
          return { status: res.status, body: (await res.json()) };
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
    } finally {
      service.child.kill('SIGTERM');
    }
    expect(await slow).toEqual(Array(10).fill({ status: 200, body: { slept: true } }));
    const exit = await service.exited;
    expect(exit, service.output().slice(-3000)).toEqual({ code: 0, signal: null });

    const closed = closes(service.output());
    expect(closed).toEqual([
      ['consumers', `consumer ${topic}.group`],
      ['jobs', 'fixture job'],
      ['relay', 'outbox relay'],
      ['clients', 'fixture client'],
      ['faults', 'faults watcher'],
      ['pool', 'postgres pool'],
      ['tracing', 'tracing'],
    ]);
    expect(closed.map(([phase]) => phase)).toEqual([...CLOSE_ORDER]);
    // The in-flight request finished before the first resource closed.
    const output = service.output();
    expect(output.indexOf('"route":"/slow"')).toBeGreaterThan(-1);
    expect(output.indexOf('"route":"/slow"')).toBeLessThan(output.indexOf('"msg":"closed"'));
    expect(output).toContain('shutdown complete');
  });

  it.each([
    [{ DATABASE_URL: undefined }, 'DATABASE_URL is required but not set'],
    [{ DATABASE_URL: 'mysql://nope' }, 'DATABASE_URL'],
    [{ DATABASE_POOL_SIZE: 'lots' }, 'DATABASE_POOL_SIZE'],
    [{ KAFKA_BROKERS: 'a, b' }, 'KAFKA_BROKERS'],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET'],
    [{ INBOX_RETENTION_HOURS: '0' }, 'INBOX_RETENTION_HOURS'],
    [{ FIXTURE_TOPIC: 'no spaces allowed' }, 'FIXTURE_TOPIC'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent'],
    [{ PORT: 'eighty' }, 'PORT'],
  ] as const)('refuses to start with %j, naming the variable on one line', async (over, expected) => {
    const merged = Object.entries({ ...env(), ...over }).filter((entry): entry is [string, string] => entry[1] !== undefined);
    const service = await spawnService({ name: 'fixture', script, env: Object.fromEntries(merged), ready: false });
    const exit = await service.exited;
    expect(exit.code).toBe(1);
    const lines = service.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^invalid configuration: /);
    expect(lines[0]).toContain(expected);
  });
});
