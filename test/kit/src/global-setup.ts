// Vitest globalSetup of the `integration-containers` project (vitest.config.ts): with
// SHOPWATCH_TEST_INFRA=containers, starts PostgreSQL, Kafka and Redis once for the whole run
// through testcontainers and hands the tests the same variables `.local/infra.env` provides
// (DATABASE_URL, KAFKA_BROKERS, REDIS_URL), so infraEnv() and every helper built on it work
// unchanged. Runs before the test workers start, which inherit process.env.
import { containerInfraSettings, containersMode } from './containers-settings.ts';
import { startInfraContainers } from './containers.ts';

const START_LIMIT_MS = 10 * 60_000;

export default async function setup(): Promise<() => Promise<void>> {
  if (!containersMode(process.env)) {
    throw new Error('the integration-containers project needs SHOPWATCH_TEST_INFRA=containers (make test-containers sets it)');
  }
  const settings = containerInfraSettings(process.env);
  // Every wait has its own limit, but a container API call that never returns would hold the
  // whole run until CI's own limit; this limit ends it with a clear message. (It includes pulling
  // official images on a laptop, hence minutes; containers that start after it are reaped by
  // scripts/containers/podman-service.sh stop.)
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`containers mode: PostgreSQL, Kafka and Redis not all ready after ${START_LIMIT_MS / 1000} s`)), START_LIMIT_MS);
  });
  const infra = await Promise.race([startInfraContainers(settings), deadline]).finally(() => clearTimeout(timer));
  Object.assign(process.env, infra.env);
  const ready = Object.entries(infra.readySeconds)
    .map(([service, seconds]) => `${service} ${seconds.toFixed(1)} s (${settings.images[service as keyof typeof settings.images]})`)
    .join(', ');
  console.log(`testkit: infrastructure in containers, ready in: ${ready}`);
  console.log(`testkit: ${Object.entries(infra.env).map(([name, value]) => `${name}=${value}`).join(' ')}`);
  return async () => {
    await infra.stop();
  };
}
