// @shopwatch/testkit — helpers for integration tests against the real local infrastructure
// (scripts/infra) and the real local Kubernetes control plane (scripts/cluster).
export * from './wait.ts';
export * from './process.ts';
export * from './kafka.ts';
export * from './otlp.ts';
export * from './infra.ts';
export * from './k8s.ts';
export * from './node.ts';
export * from './openapi-fuzz.ts';
