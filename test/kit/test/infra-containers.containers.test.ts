// Runs only in the `integration-containers` project (SHOPWATCH_TEST_INFRA=containers): proves the
// variables the tests see lead into the containers test/kit/src/global-setup.ts started, not to
// the local programs of `make infra-up`. Each check asks the server itself where it runs and
// compares with what the container runtime says about the container.
import { Kafka, logLevel } from 'kafkajs';
import net from 'node:net';
import pg from 'pg';
import { getContainerRuntimeClient } from 'testcontainers';
import { describe, expect, it } from 'vitest';
import { containerInfraSettings, type InfraService, KAFKA_CLIENT_PORT } from '../src/containers-settings.ts';
import { infraEnv, uniqueName } from '../src/index.ts';

const settings = containerInfraSettings(process.env);

interface RunningContainer {
  image: string;
  /** Published host port of each container port, e.g. { 5432: 40123 }. */
  published: Record<number, number>;
  ipAddress: string;
}

/** The one running container of this run that serves `service`, as the container runtime sees it. */
async function runningContainer(service: InfraService): Promise<RunningContainer> {
  const client = await getContainerRuntimeClient();
  const all = await client.container.list();
  const ours = all.filter(
    (c) => c.Labels[settings.label.name] === settings.label.value && c.Labels['dev.shopwatch.service'] === service && c.State === 'running',
  );
  expect(ours, `running ${service} containers labelled ${settings.label.name}=${settings.label.value}`).toHaveLength(1);
  const inspect = await client.container.inspect(client.container.getById(ours[0]!.Id));
  const published: Record<number, number> = {};
  for (const [key, bindings] of Object.entries(inspect.NetworkSettings.Ports ?? {})) {
    const hostPort = bindings?.[0]?.HostPort;
    if (hostPort) published[Number.parseInt(key, 10)] = Number(hostPort);
  }
  const ipAddress = Object.values(inspect.NetworkSettings.Networks).find((n) => n.IPAddress)?.IPAddress ?? '';
  return { image: inspect.Config.Image, published, ipAddress };
}

/** Sends one inline Redis command and returns the raw reply once it is complete. */
function redisCommand(url: string, command: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: hostname, port: Number(port) });
    let reply = '';
    socket.setTimeout(10_000, () => socket.destroy(new Error('redis did not answer in 10 s')));
    socket.on('error', reject);
    socket.on('connect', () => socket.write(`${command}\r\n`));
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8');
      // A bulk reply: $<length>\r\n<payload>\r\n
      const header = /^\$(\d+)\r\n/.exec(reply);
      if (header?.[1] && Buffer.byteLength(reply) >= header[0].length + Number(header[1]) + 2) {
        socket.end();
        resolve(reply.slice(header[0].length));
      }
    });
  });
}

describe('containers mode', () => {
  it('connects to PostgreSQL inside the container it started', async () => {
    const container = await runningContainer('postgres');
    expect(container.image).toContain(settings.images.postgres.split(':')[0]!.split('/').pop()!);
    const url = new URL(infraEnv().databaseUrl);
    expect(Number(url.port)).toBe(container.published[5432]);

    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      const { rows } = await client.query<{ server: string; port: number; data: string }>(
        "SELECT host(inet_server_addr()) AS server, inet_server_port() AS port, current_setting('data_directory') AS data",
      );
      // The session ends at the container's own address and port, not on loopback where the
      // local server of `make infra-up` listens.
      expect(rows[0]).toEqual({ server: container.ipAddress, port: 5432, data: '/var/lib/postgresql/data' });
    } finally {
      await client.end();
    }
  });

  it('talks to Redis running as the first process of the container', async () => {
    const container = await runningContainer('redis');
    const { redisUrl } = infraEnv();
    expect(Number(new URL(redisUrl).port)).toBe(container.published[6379]);

    const info = await redisCommand(redisUrl, 'INFO server');
    // pid 1 is the container's own PID namespace; a local redis-server never has it.
    expect(info).toMatch(/\r\nprocess_id:1\r\n/);
    expect(info).toMatch(/\r\ntcp_port:6379\r\n/);
  });

  it('reaches Kafka through the port the container publishes, the one address the broker advertises', async () => {
    const container = await runningContainer('kafka');
    const runtimeHost = (await getContainerRuntimeClient()).info.containerRuntime.host;
    const brokers = infraEnv().kafkaBrokers;
    const hostPort = container.published[KAFKA_CLIENT_PORT];
    expect(hostPort).toBeDefined();
    expect(hostPort).not.toBe(KAFKA_CLIENT_PORT);
    expect(brokers).toEqual([`${runtimeHost}:${hostPort}`]);

    const kafka = new Kafka({ clientId: 'containers-mode-test', brokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    const producer = kafka.producer({ allowAutoTopicCreation: true });
    try {
      const cluster = await admin.describeCluster();
      expect(cluster.brokers).toEqual([{ nodeId: 1, host: runtimeHost, port: hostPort }]);

      // A message travels through the container and back.
      const topic = uniqueName('test.containers');
      await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
      await producer.connect();
      await producer.send({ topic, acks: -1, messages: [{ key: 'k', value: 'through the container' }] });
      const offsets = await admin.fetchTopicOffsets(topic);
      expect(offsets).toEqual([expect.objectContaining({ partition: 0, high: '1' })]);
      await admin.deleteTopics({ topics: [topic] });
    } finally {
      await producer.disconnect();
      await admin.disconnect();
    }
  });
});
