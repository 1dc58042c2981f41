// One reconcile of one ServiceObservability, as numbered steps:
//   1. load the resource from the informer cache — gone (or being deleted) means done; owner
//      references let the garbage collector remove the outputs;
//   2. build the desired outputs with the pure builders;
//   3. apply each output whose live copy differs (server-side apply, one field manager, forced),
//      and delete outputs the spec no longer asks for;
//   4. write status (observedGeneration, conditions) — only when it changed.
// Events are posted for every change and failure. A spec problem in one condition never stops
// the others, and nothing invalid is ever written: the last good object stays in place.
import type { Logger } from 'pino';
import { API_VERSION, KIND, type ServiceObservability, type ServiceObservabilityStatus } from '../api/v1alpha1.ts';
import type { DesiredState, KubeObject, OperatorSettings, SpecProblem } from '../desired/contract.ts';
import { ApiError, isNotFound, type KubeClient } from '../kube/client.ts';
import type { KubernetesObject } from '../kube/informer.ts';
import {
  CONFIG_MAP,
  GRAFANA_DASHBOARD,
  OUTPUT_TYPES,
  PROMETHEUS_RULE,
  SERVICE_MONITOR,
  SERVICE_OBSERVABILITY,
  objectPath,
  outputTypeOf,
  type ResourceType,
} from '../kube/resources.ts';
import type { OperatorMetrics, ReconcileResult } from '../metrics.ts';
import { OUTPUT_CONDITIONS, computeConditions, statusUnchanged, type ConditionOutcome, type OutputCondition } from './conditions.ts';
import { digestOf, findDrift } from './drift.ts';
import type { EventRecorder } from './events.ts';

export const FIELD_MANAGER = 'shopwatch-operator';
const APPLY_PATCH = 'application/apply-patch+yaml';

/** Which condition an existing output of a kind feeds (used when pruning). */
const CONDITION_OF_KIND: Record<string, OutputCondition> = {
  [SERVICE_MONITOR.kind]: 'ScrapeReady',
  [PROMETHEUS_RULE.kind]: 'RulesReady',
  [CONFIG_MAP.kind]: 'DashboardReady',
  [GRAFANA_DASHBOARD.kind]: 'DashboardReady',
};

/** What the reconciler reads: the informer caches. */
export interface ObjectLookup {
  resource(namespace: string, name: string): ServiceObservability | undefined;
  /** False when the kind's API is not installed (e.g. no grafana-operator CRD). */
  watches(type: ResourceType): boolean;
  get(type: ResourceType, namespace: string, name: string): KubernetesObject | undefined;
  /** Outputs of `type` in `namespace` carrying the owner label of `owner`. */
  ownedBy(type: ResourceType, namespace: string, owner: string): KubernetesObject[];
}

export interface ReconcilerOptions {
  client: KubeClient;
  lookup: ObjectLookup;
  settings: OperatorSettings;
  build: (resource: ServiceObservability, settings: OperatorSettings) => DesiredState;
  events: EventRecorder;
  metrics: OperatorMetrics;
  log: Logger;
  now?: () => Date;
}

export interface ReconcileOutcome {
  result: ReconcileResult;
  /** Set when the reconcile should be retried with backoff. */
  retryReason?: string;
}

export class Reconciler {
  #o: ReconcilerOptions;
  // What we wrote and have not yet seen come back through a watch. A reconcile that runs before
  // the watch event arrives would otherwise compare against a stale cache and write again.
  // Any watch event for the object clears its entry (see forgetWrite), so edits and deletions
  // made after our write are always compared against the cache.
  #recentWrites = new Map<string, string>();

  constructor(options: ReconcilerOptions) {
    this.#o = options;
  }

  /** Called by the controller for every watch event on a resource or output. */
  forgetWrite(kind: string, namespace: string, name: string): void {
    this.#recentWrites.delete(`${kind}/${namespace}/${name}`);
  }

  async reconcile(namespace: string, name: string): Promise<ReconcileOutcome> {
    // 1. Load. Gone means done: owner references let the garbage collector remove the outputs.
    const resource = this.#o.lookup.resource(namespace, name);
    if (!resource || (resource.metadata as { deletionTimestamp?: string }).deletionTimestamp) {
      return { result: 'success' };
    }

    // 2. Build the desired outputs (pure).
    let desired: DesiredState;
    try {
      desired = this.#o.build(resource, this.#o.settings);
    } catch (error) {
      // A builder bug must not take the operator down or block other resources.
      const message = `building outputs failed: ${error instanceof Error ? error.message : String(error)}`;
      this.#o.metrics.generationFailures.inc({ condition: 'Ready', reason: 'BuildFailed' });
      this.#o.log.error({ namespace, name, err: message }, 'builder threw');
      const failed: ConditionOutcome = { state: 'failed', reason: 'BuildFailed', message };
      await this.#writeStatus(resource, { ScrapeReady: failed, RulesReady: failed, DashboardReady: failed }, {});
      this.#o.events.record(resource, 'Warning', 'BuildFailed', 'Build', message);
      return { result: 'invalid' };
    }

    const problems = groupProblems(desired.problems);
    for (const problem of desired.problems) {
      this.#o.metrics.generationFailures.inc({ condition: problem.condition, reason: problem.reason });
      this.#o.events.record(resource, 'Warning', problem.reason, 'Validate', problem.message);
    }

    // 3. Apply what differs; prune what the spec no longer asks for.
    const applied: Record<OutputCondition, string[]> = { ScrapeReady: [], RulesReady: [], DashboardReady: [] };
    const failures: Partial<Record<OutputCondition, { reason: string; message: string }>> = {};
    const outputNames: ServiceObservabilityStatus['outputs'] = {};
    const wanted = new Set<string>();
    const changes: Change[] = [];
    for (const output of desired.outputs) {
      const object = output.object;
      const label = `${object.kind} ${object.metadata.name}`;
      wanted.add(`${object.kind}/${object.metadata.name}`);
      recordOutputName(outputNames, object);
      if (failures[output.condition]) continue;
      try {
        const change = await this.#applyIfDrifted(resource, object);
        if (change) changes.push(change);
        applied[output.condition].push(label);
      } catch (error) {
        const message = `${label}: ${describeError(error)}`;
        failures[output.condition] = { reason: reasonOf(error), message };
        this.#o.events.record(resource, 'Warning', 'ApplyFailed', 'Apply', message);
      }
    }
    for (const type of OUTPUT_TYPES) {
      const condition = CONDITION_OF_KIND[type.kind];
      if (!condition || problems[condition] || failures[condition] || !this.#o.lookup.watches(type)) continue;
      for (const stale of this.#o.lookup.ownedBy(type, namespace, name)) {
        if (wanted.has(`${type.kind}/${stale.metadata?.name ?? ''}`) || !ownedByUid(stale, resource.metadata.uid)) continue;
        try {
          await this.#delete(resource, type, stale);
        } catch (error) {
          failures[condition] = { reason: 'DeleteFailed', message: `${type.kind} ${stale.metadata?.name ?? ''}: ${describeError(error)}` };
        }
      }
    }

    // One event per kind of change rather than one per object: half the event writes on creation.
    for (const reason of ['Created', 'Updated'] as const) {
      const notes = changes.filter((c) => c.reason === reason).map((c) => c.note);
      if (notes.length > 0) this.#o.events.record(resource, 'Normal', reason, 'Apply', `${reason.toLowerCase()} ${notes.join('; ')}`);
    }

    // 4. Status, only when it changed.
    const outcomes = {} as Record<OutputCondition, ConditionOutcome>;
    for (const condition of OUTPUT_CONDITIONS) {
      const problem = problems[condition];
      const failure = failures[condition];
      if (problem) outcomes[condition] = { state: 'invalid', problems: problem };
      else if (failure) outcomes[condition] = { state: 'failed', ...failure };
      else if (applied[condition].length > 0) outcomes[condition] = { state: 'ready', objects: applied[condition] };
      else outcomes[condition] = { state: 'disabled' };
    }
    await this.#writeStatus(resource, outcomes, outputNames);

    const failed = Object.values(failures);
    if (failed.length > 0) return { result: 'error', retryReason: failed.map((f) => f.message).join('; ') };
    return { result: desired.problems.length > 0 ? 'invalid' : 'success' };
  }

  /** Applies the object if the live copy differs; returns what changed, if anything. */
  async #applyIfDrifted(resource: ServiceObservability, object: KubeObject): Promise<Change | undefined> {
    const type = outputTypeOf(object.apiVersion, object.kind);
    if (!type) throw new UnsupportedOutput(`the operator does not manage ${object.apiVersion} ${object.kind}`);
    if (!this.#o.lookup.watches(type)) {
      throw new MissingApi(`the ${type.kind} API (${type.apiVersion}) is not installed in the cluster`);
    }
    const { namespace, name } = object.metadata;
    const memoKey = `${type.kind}/${namespace}/${name}`;
    const serialized = digestOf(JSON.stringify(object));
    if (this.#recentWrites.get(memoKey) === serialized) return undefined;
    const live = this.#o.lookup.get(type, namespace, name);
    const drift = live ? findDrift(object, live) : '(absent)';
    if (drift === undefined) return undefined;
    this.#recentWrites.set(memoKey, serialized);
    try {
      await this.#o.client.request(objectPath(type, namespace, name), {
        method: 'PATCH',
        query: { fieldManager: FIELD_MANAGER, force: true },
        contentType: APPLY_PATCH,
        body: object,
      });
    } catch (error) {
      this.#recentWrites.delete(memoKey);
      throw error;
    }
    this.#o.metrics.apiWrites.inc({ kind: type.kind, verb: 'apply' });
    this.#o.log.info({ namespace, owner: resource.metadata.name, kind: type.kind, name, drift }, 'applied output');
    return live
      ? { reason: 'Updated', note: `${type.kind} ${name} (${drift} differed from the desired state)` }
      : { reason: 'Created', note: `${type.kind} ${name}` };
  }

  async #delete(resource: ServiceObservability, type: ResourceType, object: KubernetesObject): Promise<void> {
    const name = object.metadata?.name ?? '';
    try {
      await this.#o.client.request(objectPath(type, resource.metadata.namespace, name), {
        method: 'DELETE',
        body: { apiVersion: 'v1', kind: 'DeleteOptions', preconditions: { uid: object.metadata?.uid } },
      });
    } catch (error) {
      if (isNotFound(error)) return;
      throw error;
    }
    this.#o.metrics.apiWrites.inc({ kind: type.kind, verb: 'delete' });
    this.#o.events.record(resource, 'Normal', 'Deleted', 'Delete', `deleted ${type.kind} ${name}: no longer requested by the spec`);
  }

  async #writeStatus(
    resource: ServiceObservability,
    outcomes: Record<OutputCondition, ConditionOutcome>,
    outputs: NonNullable<ServiceObservabilityStatus['outputs']>,
  ): Promise<void> {
    const now = (this.#o.now ?? (() => new Date()))();
    const status: ServiceObservabilityStatus = {
      observedGeneration: resource.metadata.generation,
      conditions: computeConditions(outcomes, resource.metadata.generation, resource.status?.conditions, now),
      outputs,
    };
    const { namespace, name } = resource.metadata;
    const memoKey = `${KIND}/${namespace}/${name}`;
    const comparable = JSON.stringify({ ...status, conditions: status.conditions?.map(({ lastTransitionTime: _t, ...rest }) => rest) });
    if (statusUnchanged(resource.status, status) || this.#recentWrites.get(memoKey) === comparable) return;
    this.#recentWrites.set(memoKey, comparable);
    try {
      await this.#o.client.request(objectPath(SERVICE_OBSERVABILITY, namespace, name, 'status'), {
        method: 'PATCH',
        query: { fieldManager: FIELD_MANAGER, force: true },
        contentType: APPLY_PATCH,
        body: { apiVersion: API_VERSION, kind: KIND, metadata: { name, namespace }, status },
      });
    } catch (error) {
      this.#recentWrites.delete(memoKey);
      // The resource was deleted while we worked on it: nothing left to report on.
      if (isNotFound(error)) return;
      throw error;
    }
    this.#o.metrics.apiWrites.inc({ kind: KIND, verb: 'apply' });
    const ready = status.conditions?.find((c) => c.type === 'Ready');
    const before = resource.status?.conditions?.find((c) => c.type === 'Ready');
    if (ready && (ready.status !== before?.status || ready.reason !== before.reason)) {
      this.#o.events.record(
        resource,
        ready.status === 'True' ? 'Normal' : 'Warning',
        ready.status === 'True' ? 'Ready' : ready.reason,
        'Reconcile',
        ready.message,
      );
    }
  }
}

interface Change {
  reason: 'Created' | 'Updated';
  note: string;
}

class UnsupportedOutput extends Error {}
class MissingApi extends Error {}

function groupProblems(problems: SpecProblem[]): Partial<Record<OutputCondition, SpecProblem[]>> {
  const grouped: Partial<Record<OutputCondition, SpecProblem[]>> = {};
  for (const problem of problems) (grouped[problem.condition] ??= []).push(problem);
  return grouped;
}

function recordOutputName(outputs: NonNullable<ServiceObservabilityStatus['outputs']>, object: KubeObject): void {
  if (object.kind === SERVICE_MONITOR.kind) outputs.serviceMonitor = object.metadata.name;
  else if (object.kind === PROMETHEUS_RULE.kind) outputs.prometheusRule = object.metadata.name;
  else if (object.kind === CONFIG_MAP.kind) outputs.dashboardConfigMap = object.metadata.name;
  else if (object.kind === GRAFANA_DASHBOARD.kind) outputs.grafanaDashboard = object.metadata.name;
}

function ownedByUid(object: KubernetesObject, uid: string): boolean {
  return (object.metadata?.ownerReferences ?? []).some((ref) => ref.uid === uid && ref.kind === KIND);
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function reasonOf(error: unknown): string {
  if (error instanceof MissingApi) return 'MissingAPI';
  if (error instanceof UnsupportedOutput) return 'UnsupportedOutput';
  if (error instanceof ApiError) return error.statusCode === 422 ? 'Rejected' : 'ApplyFailed';
  return 'ApplyFailed';
}
