// A relay in its own process, so the outbox tests can SIGKILL it mid-batch or run two at once,
// exactly as separate replicas would. Settings come from the environment; it prints `ready` once
// running and, on SIGTERM, stops cleanly and prints how many events it published.
import { Registry } from 'prom-client';
import { createPool } from '../../src/db/index.ts';
import { createEventProducer, createKafkaClient, parseBrokers } from '../../src/kafka/index.ts';
import { startOutboxRelay } from '../../src/outbox/index.ts';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`relay-process: missing ${name}`);
  return value;
};

const registry = new Registry();
const pool = createPool({ connectionString: env('DATABASE_URL'), max: 3, applicationName: 'outbox-relay-test' });
const client = createKafkaClient({ brokers: parseBrokers(env('KAFKA_BROKERS')), clientId: 'outbox-relay-test' });
const producer = createEventProducer({ client, registry });
await producer.connect();
const relay = startOutboxRelay({
  pool,
  producer,
  registry,
  batchSize: Number(env('RELAY_BATCH_SIZE')),
  pollIntervalMs: 200,
});
process.stdout.write('ready\n');

// The test holds our stdin open; if the test process dies without killing us, stdin ends and we
// leave rather than relay into a dropped database forever.
process.stdin.on('end', () => process.exit(1));
process.stdin.resume();

process.once('SIGTERM', () => {
  void (async () => {
    await relay.stop();
    await producer.disconnect();
    await pool.end();
    const published = (await registry.getSingleMetricAsString('outbox_published_total'))
      .split('\n')
      .filter((line) => line.startsWith('outbox_published_total{'))
      .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
    process.stdout.write(`published ${published}\n`);
    process.exit(0);
  })();
});
