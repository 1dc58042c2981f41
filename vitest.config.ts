import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

// Four projects (and a fifth, `observability`, run by `make test-observability`):
// - `unit`: pure logic, no infrastructure (*.test.ts);
// - `integration`: real PostgreSQL/Kafka/Redis/Prometheus/Kubernetes started by `make infra-up` /
//   `make cluster-up` (*.int.test.ts). Files run with bounded parallelism (two cores, shared
//   infrastructure); each isolates itself (own database, topics, namespace);
// - `disruptive`: tests that stop or restart shared infrastructure (*.disruptive.test.ts), run
//   one file at a time after the others, so an outage they cause cannot fail a neighbour.
// Tests against real infrastructure are retried once (a scheduling stall on two shared cores can
// fail a healthy test); test/kit/src/flaky-reporter.ts names every test that needed the retry.
const INFRA_RETRY = 1;

// `integration-containers` exists only with SHOPWATCH_TEST_INFRA=containers (`make test-containers`):
// the platform's integration tests, and the kit's proof that they really ran in containers
// (*.containers.test.ts), against PostgreSQL, Kafka and Redis that test/kit/src/global-setup.ts
// starts once through testcontainers. The default (local processes) projects stay as they are.
const containersProjects: TestProjectInlineConfiguration[] =
  process.env['SHOPWATCH_TEST_INFRA'] === 'containers'
    ? [
        {
          extends: true,
          test: {
            name: 'integration-containers',
            include: ['services/platform/test/**/*.int.test.ts', 'test/kit/test/**/*.containers.test.ts'],
            exclude: ['**/node_modules/**'],
            globalSetup: ['test/kit/src/global-setup.ts'],
            testTimeout: 60_000,
            hookTimeout: 120_000,
            maxWorkers: 2,
            retry: INFRA_RETRY,
          },
        },
      ]
    : [];

export default defineConfig({
  test: {
    reporters: ['default', './test/kit/src/flaky-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['**/test/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/*.int.test.ts', '**/*.disruptive.test.ts', '**/*.containers.test.ts', '**/*.observability.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['**/test/**/*.int.test.ts'],
          exclude: ['**/node_modules/**'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          maxWorkers: 2,
          retry: INFRA_RETRY,
        },
      },
      {
        extends: true,
        test: {
          name: 'disruptive',
          include: ['**/test/**/*.disruptive.test.ts'],
          exclude: ['**/node_modules/**'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          retry: INFRA_RETRY,
        },
      },
      {
        extends: true,
        test: {
          // `make test-observability`: against the running shop (`make dev-up`) and the local
          // Prometheus with the rendered rules loaded; panels, recording rules and alert drills.
          // Drills inject faults into the shared dev shop, so files run one at a time.
          name: 'observability',
          include: ['test/observability/**/*.observability.test.ts'],
          exclude: ['**/node_modules/**'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
          retry: INFRA_RETRY,
        },
      },
      ...containersProjects,
    ],
  },
});
