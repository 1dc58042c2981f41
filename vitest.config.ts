import { defineConfig } from 'vitest/config';

// Two projects: `unit` (pure logic, no infrastructure) and `integration` (*.int.test.ts,
// real PostgreSQL/Kafka/Redis/Prometheus/Kubernetes started by `make infra-up` / `make cluster-up`).
// Integration files run with bounded parallelism: the machine has two cores and the
// infrastructure is shared; each file isolates itself (own database, topic, namespace).
export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['**/test/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/*.int.test.ts'],
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
    ],
  },
});
