// @shopwatch/operator public surface: the API types, the operator runtime and its pieces
// that other packages (tests, benchmarks) reuse.
export * from './api/v1alpha1.ts';
export { parseConfig, parseDuration, usage, ConfigError, type Config } from './config.ts';
export { startOperator, type RunningOperator } from './operator.ts';
export { FIELD_MANAGER } from './controller/reconciler.ts';
export { findDrift } from './controller/drift.ts';
export { WorkQueue } from './controller/work-queue.ts';
export { buildDesired } from './desired/index.ts';
export type { DesiredState, DesiredOutput, OperatorSettings, KubeObject, SpecProblem } from './desired/contract.ts';
export { KubeClient } from './kube/client.ts';
export { collectionPath, objectPath, outputTypeOf, SERVICE_OBSERVABILITY } from './kube/resources.ts';
