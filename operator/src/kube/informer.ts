// A list-watch cache that keeps running. One sequential loop per informer:
//   list (when there is no resourceVersion) → watch from that version → on a clean end, watch
//   again; on an error, back off exponentially and retry; on 410 Gone, list again.
// A watchdog aborts a watch that has shown no sign of life for too long (a silently dead TCP
// connection would otherwise leave the cache stale forever). Cached objects drop
// `metadata.managedFields`, which is large and never read by the controller, and pass through an
// optional `transform` (the controller uses it to keep only digests of large strings).
// (@kubernetes/client-node has list-watch caches too; they stop for good after an error, and
// loading that library costs more memory than this whole operator — see kube/config.ts.)
import type { Logger } from 'pino';
import { ApiError, type KubeClient, type WatchHandle } from './client.ts';
import { collectionPath, objectKey, type ResourceType } from './resources.ts';
import { backoffDelay } from '../controller/backoff.ts';

export type InformerVerb = 'add' | 'update' | 'delete';

/** The parts of a Kubernetes object the informer relies on. */
export interface KubernetesObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    labels?: Record<string, string>;
    ownerReferences?: Array<{ apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }>;
    managedFields?: unknown;
    deletionTimestamp?: string;
  };
}

export interface InformerOptions {
  client: KubeClient;
  type: ResourceType;
  /** Watch one namespace; all namespaces when undefined. */
  namespace?: string;
  labelSelector?: string;
  log: Logger;
  onEvent: (verb: InformerVerb, object: KubernetesObject) => void;
  /** Abort a watch that delivered nothing (no event, no bookmark) for this long. Default 90 s. */
  watchdogMs?: number;
  /** Server-side watch timeout; the server ends the watch cleanly after it. Default 50–70 % of the watchdog. */
  watchTimeoutSeconds?: number;
  /** Called whenever the loop restarts after a failure or the watchdog, for metrics. */
  onRestart?: (cause: 'error' | 'watchdog') => void;
  /** Rewrites each object before it is cached (in place). */
  transform?: (object: KubernetesObject) => void;
}

interface ListResponse {
  metadata?: { resourceVersion?: string; continue?: string };
  items: KubernetesObject[];
}

// Small pages keep start-up memory flat: a page of 500 dashboards is a 16 MB response parsed at once.
const LIST_PAGE_SIZE = 50;

interface CachedObject {
  head: KubernetesObject;
  json: string;
}

function headOf(object: KubernetesObject): KubernetesObject {
  const m = object.metadata ?? {};
  const metadata: NonNullable<KubernetesObject['metadata']> = {};
  if (m.name !== undefined) metadata.name = m.name;
  if (m.namespace !== undefined) metadata.namespace = m.namespace;
  if (m.uid !== undefined) metadata.uid = m.uid;
  if (m.resourceVersion !== undefined) metadata.resourceVersion = m.resourceVersion;
  if (m.generation !== undefined) metadata.generation = m.generation;
  if (m.labels !== undefined) metadata.labels = m.labels;
  if (m.ownerReferences !== undefined) metadata.ownerReferences = m.ownerReferences;
  if (m.deletionTimestamp !== undefined) metadata.deletionTimestamp = m.deletionTimestamp;
  const head: KubernetesObject = { metadata };
  if (object.apiVersion !== undefined) head.apiVersion = object.apiVersion;
  if (object.kind !== undefined) head.kind = object.kind;
  return head;
}

class WatchEnded extends Error {
  readonly gone: boolean;
  constructor(gone: boolean) {
    super(gone ? 'resource version too old' : 'watch ended');
    this.gone = gone;
  }
}

export class ResilientInformer {
  readonly type: ResourceType;
  readonly namespace: string | undefined;
  #options: InformerOptions;
  // Each object is kept as its JSON text plus a small metadata record: a JSON string takes a
  // fraction of the memory of the parsed object graph, and a reconcile parses only the few
  // objects it reads (see get()). Listing needs only the metadata.
  #cache = new Map<string, CachedObject>();
  #resourceVersion = '';
  #stopped = true;
  #loop: Promise<void> | undefined;
  #abort: WatchHandle | undefined;
  #sleepAbort: AbortController | undefined;
  #lastActivity = Date.now();
  #watchdogTimer: NodeJS.Timeout | undefined;
  #markSynced: () => void = () => {};
  #isSynced = false;
  readonly synced: Promise<void>;

  constructor(options: InformerOptions) {
    this.#options = options;
    this.type = options.type;
    this.namespace = options.namespace;
    this.synced = new Promise((resolve) => {
      this.#markSynced = resolve;
    });
  }

  get isSynced(): boolean {
    return this.#isSynced;
  }

  silentForMs(): number {
    return Date.now() - this.#lastActivity;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#lastActivity = Date.now();
    this.#loop = this.#run();
    const watchdogMs = this.#options.watchdogMs ?? 90_000;
    this.#watchdogTimer = setInterval(
      () => {
        if (this.#abort && this.silentForMs() > watchdogMs) {
          this.#options.log.warn({ kind: this.type.kind, namespace: this.namespace }, 'watch silent, restarting it');
          this.#options.onRestart?.('watchdog');
          this.#abort.abort();
        }
      },
      Math.max(250, Math.floor(watchdogMs / 4)),
    );
    this.#watchdogTimer.unref();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#watchdogTimer);
    this.#abort?.abort();
    this.#sleepAbort?.abort();
    await this.#loop;
  }

  /** A fresh copy of the cached object (callers may keep or change it). */
  get(namespace: string, name: string): KubernetesObject | undefined {
    const cached = this.#cache.get(objectKey(namespace, name));
    return cached ? (JSON.parse(cached.json) as KubernetesObject) : undefined;
  }

  /** apiVersion, kind and metadata of every cached object. */
  list(): KubernetesObject[] {
    return [...this.#cache.values()].map((c) => c.head);
  }

  get size(): number {
    return this.#cache.size;
  }

  async #run(): Promise<void> {
    let failures = 0;
    let quickEnds = 0;
    while (!this.#stopped) {
      const started = Date.now();
      try {
        if (!this.#resourceVersion) await this.#relist();
        await this.#watchOnce();
      } catch (error) {
        if (this.#stopped) break;
        if (error instanceof WatchEnded) {
          if (error.gone) this.#resourceVersion = '';
          failures = 0;
          // A server that keeps ending watches at once must not turn this loop into a busy one.
          quickEnds = Date.now() - started < 1000 ? quickEnds + 1 : 0;
          if (quickEnds > 1) await this.#sleep(backoffDelay(quickEnds - 1, { baseMs: 250, maxMs: 10_000 }));
          continue;
        }
        failures += 1;
        const delay = backoffDelay(failures, { baseMs: 500, maxMs: 30_000 });
        this.#options.log.warn(
          { kind: this.type.kind, namespace: this.namespace, err: error instanceof Error ? error.message : String(error), retryInMs: delay },
          'list/watch failed, retrying',
        );
        this.#options.onRestart?.('error');
        if (error instanceof ApiError && error.statusCode === 410) this.#resourceVersion = '';
        await this.#sleep(delay);
      }
    }
  }

  async #sleep(ms: number): Promise<void> {
    this.#sleepAbort = new AbortController();
    const signal = this.#sleepAbort.signal;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  // Paged list; replaces the cache and reports the differences as events, so objects deleted
  // while the watch was down still produce a `delete`.
  async #relist(): Promise<void> {
    const path = collectionPath(this.type, this.namespace);
    const items: KubernetesObject[] = [];
    let continueToken: string | undefined;
    let resourceVersion = '';
    do {
      const page = await this.#options.client.request<ListResponse>(path, {
        query: { limit: LIST_PAGE_SIZE, continue: continueToken, labelSelector: this.#options.labelSelector },
      });
      items.push(...page.items);
      continueToken = page.metadata?.continue || undefined;
      resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
    } while (continueToken);
    this.#lastActivity = Date.now();
    const seen = new Set<string>();
    for (const item of items) {
      // List responses for built-in kinds leave apiVersion/kind off the items; watch events carry them.
      item.apiVersion ??= this.type.apiVersion;
      item.kind ??= this.type.kind;
      seen.add(this.#keyOf(item));
      this.#upsert(item);
    }
    for (const [key, cached] of this.#cache) {
      if (!seen.has(key)) {
        this.#cache.delete(key);
        this.#options.onEvent('delete', cached.head);
      }
    }
    this.#resourceVersion = resourceVersion;
    if (!this.#isSynced) {
      this.#isSynced = true;
      this.#markSynced();
    }
  }

  #keyOf(object: KubernetesObject): string {
    return objectKey(object.metadata?.namespace, object.metadata?.name ?? '');
  }

  #upsert(object: KubernetesObject): void {
    if (object.metadata) delete object.metadata.managedFields;
    this.#options.transform?.(object);
    const key = this.#keyOf(object);
    const previous = this.#cache.get(key);
    if (previous && previous.head.metadata?.resourceVersion === object.metadata?.resourceVersion) return;
    this.#cache.set(key, { head: headOf(object), json: JSON.stringify(object) });
    this.#options.onEvent(previous ? 'update' : 'add', object);
  }

  async #watchOnce(): Promise<void> {
    const path = collectionPath(this.type, this.namespace);
    this.#lastActivity = Date.now();
    // The server ends each watch after this (jittered so informers do not reconnect in step),
    // well before the watchdog would call a quiet but healthy watch silent.
    const defaultTimeout = Math.round(((this.#options.watchdogMs ?? 90_000) / 1000) * (0.5 + Math.random() * 0.2));
    const query = {
      resourceVersion: this.#resourceVersion,
      allowWatchBookmarks: true,
      timeoutSeconds: this.#options.watchTimeoutSeconds ?? Math.max(1, defaultTimeout),
      labelSelector: this.#options.labelSelector,
    };
    let gone = false;
    const handle = this.#options.client.watch(path, query, ({ type, object }) => {
      this.#lastActivity = Date.now();
      const item = object as KubernetesObject & { code?: number; message?: string };
      switch (type) {
        case 'ADDED':
        case 'MODIFIED':
          this.#upsert(item);
          break;
        case 'DELETED': {
          const key = this.#keyOf(item);
          const cached = this.#cache.get(key);
          this.#cache.delete(key);
          if (cached) this.#options.onEvent('delete', item);
          break;
        }
        case 'ERROR':
          // 410 Gone: our resourceVersion is too old; list again.
          if (item.code === 410) gone = true;
          else this.#options.log.warn({ kind: this.type.kind, message: item.message }, 'watch error event');
          return;
        default: // BOOKMARK: only the resourceVersion moves
          break;
      }
      const version = item.metadata?.resourceVersion;
      if (version) this.#resourceVersion = version;
    });
    this.#abort = handle;
    if (this.#stopped) handle.abort();
    try {
      await handle.done;
    } catch (error) {
      if (error instanceof ApiError && error.statusCode === 410) throw new WatchEnded(true);
      throw error;
    } finally {
      this.#abort = undefined;
    }
    throw new WatchEnded(gone);
  }
}
