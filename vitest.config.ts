import { defineConfig } from 'vitest/config';

// Three projects:
// - `unit`: pure logic, no infrastructure (*.test.ts);
// - `integration`: real PostgreSQL/Kafka/Redis/Prometheus/Kubernetes started by `make infra-up` /
//   `make cluster-up` (*.int.test.ts). Files run with bounded parallelism (two cores, shared
//   infrastructure); each isolates itself (own database, topics, namespace);
// - `disruptive`: tests that stop or restart shared infrastructure (*.disruptive.test.ts), run
//   one file at a time after the others, so an outage they cause cannot fail a neighbour.
// Tests against real infrastructure are retried once (a scheduling stall on two shared cores can
// fail a healthy test); test/kit/src/flaky-reporter.ts names every test that needed the retry.
const INFRA_RETRY = 1;

export default defineConfig({
  test: {
    reporters: ['default', './test/kit/src/flaky-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['**/test/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/*.int.test.ts', '**/*.disruptive.test.ts'],
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
    ],
  },
});
