// The simulator's memory: authorisations by id and idempotency keys with the result they gave.
// In memory on purpose (psp stands in for a third party; nothing of the shop's lives here), bounded
// so a long load test cannot grow it without limit. Callers that need to survive a restart of the
// app (tests stopping and starting psp) pass the same store to the new app.
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

interface KeyEntry {
  fingerprint: string;
  result: Promise<Authorization>;
}

export class AuthorizationStore {
  readonly #byId = new Map<string, Authorization>();
  readonly #byKey = new Map<string, KeyEntry>();
  /** Attempts per idempotency key, including failed ones (for the fail-once test token). */
  readonly #attempts = new Map<string, number>();
  readonly #maxRecords: number;
  readonly #now: () => Date;

  constructor(options: { maxRecords?: number; now?: () => Date } = {}) {
    this.#maxRecords = options.maxRecords ?? 200_000;
    this.#now = options.now ?? (() => new Date());
  }

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

  /**
   * Authorises once per idempotency key: a second request with the key gets the first one's result
   * (concurrent ones wait for it), a different request body under the key is a conflict. A provider
   * error stores nothing, so a retry under the same key is a fresh attempt.
   */
  async authorize(
    request: AuthorizationRequest,
    key: string | undefined,
    decide: (attempt: number) => Promise<Decision>,
  ): Promise<AuthorizeResult> {
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
    const attemptKey = key ?? `${print}`;
    const attempt = (this.#attempts.get(attemptKey) ?? 0) + 1;
    this.#attempts.set(attemptKey, attempt);
    const result = (async () => {
      const decision = await decide(attempt);
      if (decision.kind === 'error') throw new ProviderError();
      return this.#create(request, decision.kind === 'decline' ? decision.code : null);
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

  /** Capture, void or refund; idempotent: repeating what was done answers the same, unchanged. */
  change(id: string, operation: Operation): ChangeResult {
    const current = this.#byId.get(id);
    if (!current) return { kind: 'missing' };
    const step = transition(current.status, operation);
    if (!step.ok) return { kind: 'conflict', code: step.code, authorization: current };
    if (!step.changed) return { kind: 'ok', authorization: current, changed: false };
    const next: Authorization = { ...current, status: step.next, updatedAt: this.#now().toISOString() };
    this.#byId.set(id, next);
    return { kind: 'ok', authorization: next, changed: true };
  }

  #create(request: AuthorizationRequest, declineCode: string | null): Authorization {
    const at = this.#now().toISOString();
    const authorization: Authorization = {
      id: `auth_${randomUUID().replaceAll('-', '')}`,
      status: declineCode === null ? 'authorized' : 'declined',
      amountCents: request.amountCents,
      currency: request.currency,
      declineCode,
      reference: request.reference ?? null,
      createdAt: at,
      updatedAt: at,
    };
    this.#byId.set(authorization.id, authorization);
    this.#evict();
    return authorization;
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
