// @shopwatch/testkit — helpers for integration tests against the real local infrastructure
// (scripts/infra) and the real local Kubernetes control plane (scripts/cluster).
export { uniqueName, waitFor } from './wait.ts';
export type { WaitOptions } from './wait.ts';
export { freePort, spawnService } from './process.ts';
export type { ServiceProcess, SpawnServiceOptions } from './process.ts';
export { produceRaw, startCollector } from './kafka.ts';
export type { Collector, RawMessage, RawRecord } from './kafka.ts';
export { startOtlpReceiver } from './otlp.ts';
export type { OtlpAttribute, OtlpExport, OtlpReceiver, OtlpSpan } from './otlp.ts';
export { TEST_DATABASE_MARKER, createTestDatabase, infraEnv, infraHealthy, queryPrometheus, repoRoot, startInfra, stopInfra } from './infra.ts';
export type { InfraEnv, InfraProgram, PrometheusSample, TestDatabase } from './infra.ts';
export { KubeApiError, TEST_FIELD_MANAGER, TEST_NAMESPACE_LABEL, api, apiRejection, apply, applyManifests, canI, createNamespace, deleteNamespace, deleteObject, describeRef, formatConditions, helm, isNotFound, kube, kubeconfigPath, kubectl, listObjects, loadKubeConfig, makeClients, parseManifests, rawRequest, readObject, serviceAccountKubeConfig, serviceAccountToken, toKubeApiError, toolPath, useNamespace, waitForCondition, waitForCrdEstablished, waitForDeploymentAvailable, waitForGone, writeKubeConfig } from './k8s.ts';
export type { ApplyOptions, ConditionWaitOptions, KubeClients, NamespaceOptions, ObjectRef, RunOptions, RunResult, TestNamespace, TokenOptions } from './k8s.ts';
export { SHOP_SERVICES, loadNodeImages, loadShopImages } from './node-images.ts';
export { REAL_NODE_IP, REAL_NODE_NAME, REAL_NODE_SELECTOR, SIMULATED_NODE_TAINT, portForward, realNodeEnabled, simulatedNodePlacement, urlForPods } from './node.ts';
export type { PodPlacement, PortForward } from './node.ts';
export { UNICODE_EDGE_CASES, conformsTo, exampleFor, generateBadRequests, sampleForPattern } from './openapi-fuzz.ts';
export type { BadRequest, Expectation, FuzzOptions, JsonSchema } from './openapi-fuzz.ts';
export { expectProblem } from './problem.ts';
export type { ProblemAnswer } from './problem.ts';
export { histogramTotal, metricSample, metricSum, parseMetrics } from './metrics-text.ts';
export type { MetricSample } from './metrics-text.ts';
export { TestClock } from './clock.ts';
