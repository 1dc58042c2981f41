// Kubernetes Events (events.k8s.io/v1) for every change the operator makes and every failure
// it meets, so `kubectl describe` / `kubectl events` tell the story. Identical events for the
// same object are posted once per window instead of once per retry, which keeps a resource stuck
// in backoff from flooding etcd.
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { KubeClient } from '../kube/client.ts';
import { EVENT, collectionPath } from '../kube/resources.ts';

export interface EventSubject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; uid: string };
}

export interface EventRecorderOptions {
  client: KubeClient;
  log: Logger;
  /** Identifies this replica in `reportingInstance`. */
  instance: string;
  onWrite?: () => void;
  /** Suppress repeats of the same Warning for the same object within this window. Default 10 min. */
  dedupWindowMs?: number;
  /** The same for Normal events (changes), kept short so a new change is always told. Default 30 s. */
  normalDedupWindowMs?: number;
}

export const REPORTING_CONTROLLER = 'observability.shopwatch.dev/shopwatch-operator';
const MAX_NOTE = 1024;

/** events.k8s.io requires microsecond precision (MicroTime). */
export function microTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

function eventSuffix(now: number): string {
  return `${now.toString(16)}${randomBytes(3).toString('hex')}`;
}

export class EventRecorder {
  #options: EventRecorderOptions;
  #recent = new Map<string, number>();

  constructor(options: EventRecorderOptions) {
    this.#options = options;
  }

  /** Posts the event without blocking the reconcile; failures are logged, never thrown. */
  record(subject: EventSubject, type: 'Normal' | 'Warning', reason: string, action: string, note: string): void {
    const now = Date.now();
    const window = type === 'Warning' ? (this.#options.dedupWindowMs ?? 600_000) : (this.#options.normalDedupWindowMs ?? 30_000);
    const dedupKey = `${subject.metadata.uid}|${type}|${reason}|${note}`;
    const last = this.#recent.get(dedupKey);
    if (last !== undefined && now - last < window) return;
    this.#recent.set(dedupKey, now);
    if (this.#recent.size > 10_000) this.#prune(now, this.#options.dedupWindowMs ?? 600_000);
    const body = {
      apiVersion: EVENT.apiVersion,
      kind: EVENT.kind,
      // `<object>.<hex>` like client-go's recorder (generateName would end in '.', which is invalid).
      metadata: { name: `${subject.metadata.name}.${eventSuffix(now)}`, namespace: subject.metadata.namespace },
      eventTime: microTime(new Date(now)),
      reportingController: REPORTING_CONTROLLER,
      reportingInstance: this.#options.instance.slice(0, 128),
      action,
      reason,
      type,
      note: note.length > MAX_NOTE ? `${note.slice(0, MAX_NOTE - 1)}…` : note,
      regarding: {
        apiVersion: subject.apiVersion,
        kind: subject.kind,
        name: subject.metadata.name,
        namespace: subject.metadata.namespace,
        uid: subject.metadata.uid,
      },
    };
    this.#options.client
      .request(collectionPath(EVENT, subject.metadata.namespace), { method: 'POST', body })
      .then(() => this.#options.onWrite?.())
      .catch((error: unknown) => {
        this.#recent.delete(dedupKey);
        this.#options.log.warn({ err: error instanceof Error ? error.message : String(error), reason }, 'could not post event');
      });
  }

  /** Forget an object's recent events (it was deleted, or its spec changed and old news is stale). */
  forget(uid: string): void {
    for (const key of this.#recent.keys()) if (key.startsWith(`${uid}|`)) this.#recent.delete(key);
  }

  #prune(now: number, window: number): void {
    for (const [key, at] of this.#recent) if (now - at >= window) this.#recent.delete(key);
  }
}
