// Leader election on a coordination.k8s.io/v1 Lease, the same protocol client-go uses:
// - a candidate takes the lease when it is free or its holder has not renewed it for
//   leaseDuration (measured on our own clock from when we last saw it change, so clock skew
//   between replicas does not matter); writes carry resourceVersion, so two candidates cannot
//   both win;
// - the leader renews every retryPeriod and steps down if it could not renew for renewDeadline
//   (it must assume someone else may take over after leaseDuration, which is longer);
// - on shutdown the leader releases the lease so a standby takes over at once.
// Stepping down does not exit the process: the controller stops its workers and campaigns again.
import type { Logger } from 'pino';
import { ApiError, isNotFound, type KubeClient } from '../kube/client.ts';
import { LEASE, collectionPath, objectPath } from '../kube/resources.ts';
import { microTime } from '../controller/events.ts';

export interface LeaderElectionOptions {
  client: KubeClient;
  namespace: string;
  name: string;
  identity: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  log: Logger;
  onStartedLeading: () => void | Promise<void>;
  onStoppedLeading: () => void | Promise<void>;
  onWrite?: (verb: 'create' | 'update') => void;
}

interface Lease {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; resourceVersion?: string };
  spec?: {
    holderIdentity?: string | null;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
  };
}

export class LeaderElector {
  #o: LeaderElectionOptions;
  #leading = false;
  #stopped = false;
  #lastRenew = 0;
  #observed: { holder: string; renewTime: string | undefined; at: number } | undefined;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;

  constructor(options: LeaderElectionOptions) {
    if (options.renewDeadlineMs >= options.leaseDurationMs) throw new Error('renew deadline must be shorter than the lease duration');
    this.#o = options;
  }

  get isLeader(): boolean {
    return this.#leading;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  /** Stops campaigning; releases the lease if held (after the caller stopped its work). */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#wake?.();
    await this.#loop;
    if (this.#leading) {
      this.#leading = false;
      await this.#release();
    }
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      let acquired = false;
      try {
        acquired = await this.#tryAcquireOrRenew();
      } catch (error) {
        this.#o.log.warn({ err: error instanceof Error ? error.message : String(error) }, 'lease update failed');
      }
      if (this.#stopped) break;
      const now = Date.now();
      if (acquired) {
        this.#lastRenew = now;
        if (!this.#leading) {
          this.#leading = true;
          this.#o.log.info({ identity: this.#o.identity, lease: `${this.#o.namespace}/${this.#o.name}` }, 'became leader');
          await this.#o.onStartedLeading();
        }
      } else if (this.#leading && now - this.#lastRenew > this.#o.renewDeadlineMs) {
        this.#leading = false;
        this.#o.log.warn({ identity: this.#o.identity }, 'could not renew the lease in time; stepping down');
        await this.#o.onStoppedLeading();
      }
      await this.#sleep(this.#o.retryPeriodMs);
    }
  }

  async #sleep(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.#wake = undefined;
  }

  #spec(acquireTime: string, transitions: number): NonNullable<Lease['spec']> {
    return {
      holderIdentity: this.#o.identity,
      leaseDurationSeconds: Math.ceil(this.#o.leaseDurationMs / 1000),
      acquireTime,
      renewTime: microTime(new Date()),
      leaseTransitions: transitions,
    };
  }

  async #tryAcquireOrRenew(): Promise<boolean> {
    const path = objectPath(LEASE, this.#o.namespace, this.#o.name);
    let lease: Lease;
    try {
      lease = await this.#o.client.request<Lease>(path, { timeoutMs: this.#o.retryPeriodMs * 2 });
    } catch (error) {
      if (!isNotFound(error)) throw error;
      const now = microTime(new Date());
      const created: Lease = {
        apiVersion: LEASE.apiVersion,
        kind: LEASE.kind,
        metadata: { name: this.#o.name, namespace: this.#o.namespace },
        spec: this.#spec(now, 0),
      };
      try {
        await this.#o.client.request(collectionPath(LEASE, this.#o.namespace), { method: 'POST', body: created });
      } catch (createError) {
        if (createError instanceof ApiError && createError.statusCode === 409) return false;
        throw createError;
      }
      this.#o.onWrite?.('create');
      return true;
    }
    const spec = lease.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    const now = Date.now();
    if (!this.#observed || this.#observed.holder !== holder || this.#observed.renewTime !== spec.renewTime) {
      this.#observed = { holder, renewTime: spec.renewTime, at: now };
    }
    const durationMs = (spec.leaseDurationSeconds ?? Math.ceil(this.#o.leaseDurationMs / 1000)) * 1000;
    const heldByOther = holder !== '' && holder !== this.#o.identity;
    if (heldByOther && now - this.#observed.at < durationMs) return false;
    const mine = holder === this.#o.identity;
    const next: Lease = {
      ...lease,
      spec: this.#spec(mine && spec.acquireTime ? spec.acquireTime : microTime(new Date()), (spec.leaseTransitions ?? 0) + (mine ? 0 : 1)),
    };
    try {
      await this.#o.client.request(path, { method: 'PUT', body: next, timeoutMs: this.#o.retryPeriodMs * 2 });
    } catch (error) {
      if (error instanceof ApiError && error.statusCode === 409) return false;
      throw error;
    }
    this.#o.onWrite?.('update');
    return true;
  }

  async #release(): Promise<void> {
    const path = objectPath(LEASE, this.#o.namespace, this.#o.name);
    try {
      const lease = await this.#o.client.request<Lease>(path, { timeoutMs: 3000 });
      if (lease.spec?.holderIdentity !== this.#o.identity) return;
      await this.#o.client.request(path, {
        method: 'PUT',
        timeoutMs: 3000,
        body: { ...lease, spec: { ...lease.spec, holderIdentity: null, leaseDurationSeconds: 1, renewTime: microTime(new Date()) } },
      });
      this.#o.onWrite?.('update');
      this.#o.log.info({ identity: this.#o.identity }, 'released the lease');
    } catch (error) {
      this.#o.log.warn({ err: error instanceof Error ? error.message : String(error) }, 'could not release the lease');
    }
  }
}
