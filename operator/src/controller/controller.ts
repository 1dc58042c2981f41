// Wires informers to the work queue and the queue to reconcile workers.
// - Informers: ServiceObservability (all namespaces or the configured ones) and each output kind
//   whose API exists, filtered by the owner label so unrelated ConfigMaps are never cached.
//   An output's add/update/delete enqueues its owner, which is how manual edits and deletions
//   are reverted within seconds.
// - Workers run only while this replica leads (startWorkers/stopWorkers); informers keep
//   running so a new leader starts from warm caches.
// - Missing output APIs (no prometheus-operator or grafana-operator CRDs yet) are looked up
//   again periodically; when one appears its informer starts and everything is requeued.
import type { Logger } from 'pino';
import { KIND, type ServiceObservability } from '../api/v1alpha1.ts';
import type { DesiredState, OperatorSettings } from '../desired/contract.ts';
import { OWNER_LABEL } from '../desired/meta.ts';
import { isNotFound, type KubeClient } from '../kube/client.ts';
import { ResilientInformer, type InformerVerb, type KubernetesObject } from '../kube/informer.ts';
import { OUTPUT_TYPES, SERVICE_OBSERVABILITY, objectKey, splitKey, type ResourceType } from '../kube/resources.ts';
import type { OperatorMetrics } from '../metrics.ts';
import type { EventRecorder } from './events.ts';
import { backoffDelay } from './backoff.ts';
import { compactLargeStrings } from './drift.ts';
import { Reconciler, type ObjectLookup } from './reconciler.ts';
import { WorkQueue } from './work-queue.ts';

export interface ControllerOptions {
  client: KubeClient;
  settings: OperatorSettings;
  build: (resource: ServiceObservability, settings: OperatorSettings) => DesiredState;
  /** Namespaces to watch; undefined watches all (cluster mode). */
  namespaces: string[] | undefined;
  workers: number;
  reconcilesPerSecond: number;
  burst: number;
  /** Requeue every resource this often, a safety net behind the watches. */
  resyncMs: number;
  watchdogMs: number;
  events: EventRecorder;
  metrics: OperatorMetrics;
  log: Logger;
}

/** One informer per watched namespace (or one for all) for a resource type. */
class InformerGroup {
  readonly type: ResourceType;
  readonly informers: ResilientInformer[];

  constructor(type: ResourceType, informers: ResilientInformer[]) {
    this.type = type;
    this.informers = informers;
  }

  #for(namespace: string): ResilientInformer | undefined {
    return this.informers.find((i) => i.namespace === undefined || i.namespace === namespace);
  }

  get(namespace: string, name: string): KubernetesObject | undefined {
    return this.#for(namespace)?.get(namespace, name);
  }

  list(): KubernetesObject[] {
    return this.informers.flatMap((i) => i.list());
  }

  get size(): number {
    return this.informers.reduce((sum, i) => sum + i.size, 0);
  }

  get synced(): boolean {
    return this.informers.every((i) => i.isSynced);
  }
}

export class Controller implements ObjectLookup {
  #o: ControllerOptions;
  #primary: InformerGroup | undefined;
  #outputs = new Map<string, InformerGroup>();
  #missing = new Set<ResourceType>();
  #reconciler: Reconciler;
  #queue: WorkQueue | undefined;
  #workers: Promise<void>[] = [];
  #timers: NodeJS.Timeout[] = [];
  #seenGeneration = new Map<string, number | undefined>();

  constructor(options: ControllerOptions) {
    this.#o = options;
    this.#reconciler = new Reconciler({
      client: options.client,
      lookup: this,
      settings: options.settings,
      build: options.build,
      events: options.events,
      metrics: options.metrics,
      log: options.log,
    });
  }

  // --- ObjectLookup (the reconciler reads the caches through these) ---

  resource(namespace: string, name: string): ServiceObservability | undefined {
    return this.#primary?.get(namespace, name) as ServiceObservability | undefined;
  }

  watches(type: ResourceType): boolean {
    return this.#outputs.has(type.kind);
  }

  get(type: ResourceType, namespace: string, name: string): KubernetesObject | undefined {
    return this.#outputs.get(type.kind)?.get(namespace, name);
  }

  ownedBy(type: ResourceType, namespace: string, owner: string): KubernetesObject[] {
    const group = this.#outputs.get(type.kind);
    if (!group) return [];
    return group.list().filter((o) => o.metadata?.namespace === namespace && o.metadata.labels?.[OWNER_LABEL] === owner);
  }

  // --- lifecycle ---

  /** Informers synced: the controller knows the current state and may reconcile. */
  get synced(): boolean {
    return this.#primary !== undefined && this.#primary.synced && [...this.#outputs.values()].every((g) => g.synced);
  }

  async startInformers(): Promise<void> {
    if (this.#primary) return;
    this.#primary = this.#makeGroup(SERVICE_OBSERVABILITY, undefined, (verb, object) => this.#onResource(verb, object));
    for (const type of OUTPUT_TYPES) {
      if (await this.#apiExistsRetrying(type)) this.#startOutputInformer(type);
      else {
        this.#missing.add(type);
        this.#o.log.info({ kind: type.kind, apiVersion: type.apiVersion }, 'API not installed; outputs of this kind will report MissingAPI');
      }
    }
    await Promise.all([this.#primary, ...this.#outputs.values()].flatMap((g) => g.informers.map((i) => i.synced)));
    this.#timers.push(setInterval(() => void this.#discoverMissing(), 30_000));
    this.#timers.push(setInterval(() => this.#updateGauges(), 2_000));
    for (const timer of this.#timers) timer.unref();
    this.#updateGauges();
    this.#o.log.info({ resources: this.#primary.size }, 'caches synced');
  }

  /** Starts reconcile workers (on becoming leader) and queues every known resource. */
  startWorkers(): void {
    if (this.#queue) return;
    const queue = new WorkQueue({ perSecond: this.#o.reconcilesPerSecond, burst: this.#o.burst });
    this.#queue = queue;
    for (let i = 0; i < this.#o.workers; i++) this.#workers.push(this.#work(queue));
    this.#enqueueAll();
    const resync = setInterval(() => this.#enqueueAll(), this.#o.resyncMs);
    resync.unref();
    this.#timers.push(resync);
    this.#o.log.info({ workers: this.#o.workers }, 'reconcile workers started');
  }

  /** Stops taking work and waits for in-flight reconciles (on losing leadership or shutdown). */
  async stopWorkers(): Promise<void> {
    const queue = this.#queue;
    if (!queue) return;
    this.#queue = undefined;
    queue.shutDown();
    await Promise.all(this.#workers.splice(0));
  }

  async stop(): Promise<void> {
    await this.stopWorkers();
    for (const timer of this.#timers.splice(0)) clearInterval(timer);
    const groups = [this.#primary, ...this.#outputs.values()].filter((g): g is InformerGroup => g !== undefined);
    await Promise.all(groups.flatMap((g) => g.informers.map((i) => i.stop())));
  }

  // --- internals ---

  #makeGroup(
    type: ResourceType,
    labelSelector: string | undefined,
    onEvent: (verb: InformerVerb, o: KubernetesObject) => void,
    transform?: (o: KubernetesObject) => void,
  ): InformerGroup {
    const namespaces = this.#o.namespaces ?? [undefined];
    const informers = namespaces.map(
      (namespace) =>
        new ResilientInformer({
          client: this.#o.client,
          type,
          ...(namespace === undefined ? {} : { namespace }),
          ...(labelSelector === undefined ? {} : { labelSelector }),
          log: this.#o.log,
          watchdogMs: this.#o.watchdogMs,
          onEvent,
          ...(transform ? { transform } : {}),
          onRestart: (cause) => this.#o.metrics.informerRestarts.inc({ kind: type.kind, cause }),
        }),
    );
    for (const informer of informers) informer.start();
    return new InformerGroup(type, informers);
  }

  #startOutputInformer(type: ResourceType): InformerGroup {
    // Outputs are only ever compared with desired objects, so large strings are kept as digests.
    const group = this.#makeGroup(type, OWNER_LABEL, (verb, object) => this.#onOutput(type, verb, object), compactLargeStrings);
    this.#outputs.set(type.kind, group);
    return group;
  }

  #onResource(verb: InformerVerb, object: KubernetesObject): void {
    const namespace = object.metadata?.namespace ?? '';
    const name = object.metadata?.name ?? '';
    const key = objectKey(namespace, name);
    this.#reconciler.forgetWrite(KIND, namespace, name);
    if (verb === 'delete') {
      this.#seenGeneration.delete(key);
      if (object.metadata?.uid) this.#o.events.forget(object.metadata.uid);
      return;
    }
    // Our own status writes come back as updates with the same generation; they need no reconcile.
    const generation = object.metadata?.generation;
    if (verb === 'update' && this.#seenGeneration.get(key) === generation) return;
    this.#seenGeneration.set(key, generation);
    this.#queue?.add(key);
  }

  #onOutput(type: ResourceType, _verb: InformerVerb, object: KubernetesObject): void {
    const namespace = object.metadata?.namespace ?? '';
    this.#reconciler.forgetWrite(type.kind, namespace, object.metadata?.name ?? '');
    const owner = object.metadata?.labels?.[OWNER_LABEL];
    if (owner) this.#queue?.add(objectKey(namespace, owner));
  }

  #enqueueAll(): void {
    for (const object of this.#primary?.list() ?? []) {
      this.#queue?.add(objectKey(object.metadata?.namespace, object.metadata?.name ?? ''));
    }
  }

  async #work(queue: WorkQueue): Promise<void> {
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      const started = performance.now();
      const { namespace, name } = splitKey(key);
      let result: 'success' | 'invalid' | 'error';
      try {
        const outcome = await this.#reconciler.reconcile(namespace, name);
        result = outcome.result;
        if (outcome.retryReason) {
          const delay = queue.addRateLimited(key);
          this.#o.log.warn({ key, reason: outcome.retryReason, retryInMs: delay }, 'reconcile incomplete, retrying');
        } else {
          queue.forget(key);
        }
      } catch (error) {
        result = 'error';
        const delay = queue.addRateLimited(key);
        this.#o.log.warn({ key, err: error instanceof Error ? error.message : String(error), retryInMs: delay }, 'reconcile failed, retrying');
      } finally {
        queue.done(key);
      }
      this.#o.metrics.reconciles.inc({ result });
      this.#o.metrics.reconcileDuration.observe({ result }, (performance.now() - started) / 1000);
    }
  }

  async #apiExists(type: ResourceType): Promise<boolean> {
    const path = type.apiVersion.includes('/') ? `/apis/${type.apiVersion}` : `/api/${type.apiVersion}`;
    try {
      const list = await this.#o.client.request<{ resources?: Array<{ name: string }> }>(path);
      return (list.resources ?? []).some((r) => r.name === type.plural);
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  // At start-up the API server may not be reachable yet (or be restarting): keep asking, with
  // backoff, rather than crash-looping.
  async #apiExistsRetrying(type: ResourceType): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#apiExists(type);
      } catch (error) {
        const delay = backoffDelay(attempt, { baseMs: 500, maxMs: 30_000 });
        this.#o.log.warn({ kind: type.kind, err: error instanceof Error ? error.message : String(error), retryInMs: delay }, 'API discovery failed, retrying');
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  async #discoverMissing(): Promise<void> {
    for (const type of [...this.#missing]) {
      try {
        if (!(await this.#apiExists(type))) continue;
      } catch {
        continue;
      }
      this.#missing.delete(type);
      this.#o.log.info({ kind: type.kind }, 'API appeared; watching it');
      const group = this.#startOutputInformer(type);
      await Promise.all(group.informers.map((i) => i.synced));
      this.#enqueueAll();
    }
  }

  #updateGauges(): void {
    this.#o.metrics.queueDepth.set(this.#queue?.length ?? 0);
    if (this.#primary) this.#o.metrics.managedObjects.set({ kind: KIND }, this.#primary.size);
    for (const [kind, group] of this.#outputs) this.#o.metrics.managedObjects.set({ kind }, group.size);
  }
}
