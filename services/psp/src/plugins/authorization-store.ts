// What psp remembers: authorisations by id, idempotency keys with the result they gave, and the
// attempts made under each key. The process keeps them in PostgreSQL (pg-authorization-store.ts),
// as a real provider keeps its ledger across restarts. The memory store below implements the same
// contract for tests that build psp in-process as a third party's double (payments' tests); the
// same route suite runs against both.
import { randomUUID } from 'node:crypto';
import { fingerprint, transition, type Decision, type Operation } from '../domain/decision.ts';
import type { Authorization, AuthorizationRequest } from '../schemas/authorization.ts';

export class ProviderError extends Error {
  constructor() {
    super('processing error at the provider');
    this.name = 'ProviderError';
  }
}

export type AuthorizeResult =
  | { kind: 'created' | 'replayed'; authorization: Authorization }
  | { kind: 'key-conflict' }
  | { kind: 'error' };

export type ChangeResult =
  | { kind: 'ok'; authorization: Authorization; changed: boolean }
  | { kind: 'missing' }
  | { kind: 'conflict'; code: string; authorization: Authorization };

/** Decides one attempt (1 for the first under a key); called at most once per authorize(). */
export type Decide = (attempt: number) => Promise<Decision>;

export interface AuthorizationStore {
  find(id: string): Promise<Authorization | undefined>;
  /**
   * Authorises once per idempotency key: a second request with the key gets the first one's result
   * (a concurrent one waits for it), a different request body under the key is a conflict. A
   * provider error stores no result, so a retry under the same key is a fresh attempt.
   */
  authorize(request: AuthorizationRequest, key: string | undefined, decide: Decide): Promise<AuthorizeResult>;
  /** Capture, void or refund; idempotent: repeating what was done answers the same, unchanged. */
  change(id: string, operation: Operation): Promise<ChangeResult>;
  /** Authorisations held. */
  count(): Promise<number>;
}

/** The key attempts are counted under: the idempotency key, or the request itself without one. */
export function attemptKey(request: AuthorizationRequest, key: string | undefined): string {
  return key === undefined ? `request:${fingerprint(request)}` : `key:${key}`;
}

export function newAuthorization(request: AuthorizationRequest, declineCode: string | null, at: Date): Authorization {
  const iso = at.toISOString();
  return {
    id: `auth_${randomUUID().replaceAll('-', '')}`,
    status: declineCode === null ? 'authorized' : 'declined',
    amountCents: request.amountCents,
    currency: request.currency,
    declineCode,
    reference: request.reference ?? null,
    createdAt: iso,
    updatedAt: iso,
  };
}

interface KeyEntry {
  fingerprint: string;
  result: Promise<Authorization>;
}

/** In memory, bounded (the oldest forgotten first): only for in-process tests. */
export class MemoryAuthorizationStore implements AuthorizationStore {
  readonly #byId = new Map<string, Authorization>();
  readonly #byKey = new Map<string, KeyEntry>();
  readonly #attempts = new Map<string, number>();
  readonly #maxRecords: number;
  readonly #now: () => Date;

  constructor(options: { maxRecords?: number; now?: () => Date } = {}) {
    this.#maxRecords = options.maxRecords ?? 200_000;
    this.#now = options.now ?? (() => new Date());
  }

  // Synchronous reads for tests that inspect the double directly.
  get size(): number {
    return this.#byId.size;
  }

  get(id: string): Authorization | undefined {
    return this.#byId.get(id);
  }

  /** Every authorisation made with this merchant reference (tests count charges per order with it). */
  withReference(reference: string): Authorization[] {
    return [...this.#byId.values()].filter((authorization) => authorization.reference === reference);
  }

  find(id: string): Promise<Authorization | undefined> {
    return Promise.resolve(this.get(id));
  }

  count(): Promise<number> {
    return Promise.resolve(this.size);
  }

  async authorize(request: AuthorizationRequest, key: string | undefined, decide: Decide): Promise<AuthorizeResult> {
    const print = fingerprint(request);
    if (key !== undefined) {
      const existing = this.#byKey.get(key);
      if (existing) {
        if (existing.fingerprint !== print) return { kind: 'key-conflict' };
        try {
          return { kind: 'replayed', authorization: await existing.result };
        } catch {
          // The first attempt failed while we waited; fall through and try afresh.
        }
      }
    }
    const counted = attemptKey(request, key);
    const attempt = (this.#attempts.get(counted) ?? 0) + 1;
    this.#attempts.set(counted, attempt);
    const result = (async () => {
      const decision = await decide(attempt);
      if (decision.kind === 'error') throw new ProviderError();
      const authorization = newAuthorization(request, decision.kind === 'decline' ? decision.code : null, this.#now());
      this.#byId.set(authorization.id, authorization);
      this.#evict();
      return authorization;
    })();
    if (key !== undefined) this.#byKey.set(key, { fingerprint: print, result });
    try {
      return { kind: 'created', authorization: await result };
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      if (key !== undefined && this.#byKey.get(key)?.result === result) this.#byKey.delete(key);
      return { kind: 'error' };
    }
  }

  change(id: string, operation: Operation): Promise<ChangeResult> {
    const current = this.#byId.get(id);
    if (!current) return Promise.resolve({ kind: 'missing' });
    const step = transition(current.status, operation);
    if (!step.ok) return Promise.resolve({ kind: 'conflict', code: step.code, authorization: current });
    if (!step.changed) return Promise.resolve({ kind: 'ok', authorization: current, changed: false });
    const next: Authorization = { ...current, status: step.next, updatedAt: this.#now().toISOString() };
    this.#byId.set(id, next);
    return Promise.resolve({ kind: 'ok', authorization: next, changed: true });
  }

  // Maps iterate in insertion order, so the first entries are the oldest.
  #evict(): void {
    for (const map of [this.#byId, this.#byKey, this.#attempts] as Map<string, unknown>[]) {
      while (map.size > this.#maxRecords) {
        const oldest = map.keys().next().value;
        if (oldest === undefined) break;
        map.delete(oldest);
      }
    }
  }
}
