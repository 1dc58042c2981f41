import { defineConfig } from 'vitest/config';

// Three projects:
// - `unit`: pure logic, no infrastructure (*.test.ts);
// - `integration`: real PostgreSQL/Kafka/Redis/Prometheus/Kubernetes started by `make infra-up` /
//   `make cluster-up` (*.int.test.ts). Files run with bounded parallelism (two cores, shared
//   infrastructure); each isolates itself (own database, topics, namespace);
// - `disruptive`: tests that stop or restart shared infrastructure (*.disruptive.test.ts), run
//   one file at a time after the others, so an outage they cause cannot fail a neighbour.
export default defineConfig({
  test: {
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
        },
      },
    ],
  },
});
