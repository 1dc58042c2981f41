// The shopper pool: synthetic accounts signed up on demand and reused, so load spreads over many
// tokens (the gateway limits each signed-in client to its own budget) without a signup per
// scenario (sign-up and login share a small per-client budget: 20 a minute by default). Tokens are
// reused until shortly before they expire, then the shopper logs in again.
import { randomBytes } from 'node:crypto';
import { ScenarioFailure } from '../domain/outcome.ts';
import type { Random } from '../domain/random.ts';
import { PATHS } from '../scenarios/paths.ts';
import type { Answer, RequestSpec } from './gateway-client.ts';

export interface Shopper {
  email: string;
  password: string;
  displayName: string;
  token?: string;
  /** Epoch milliseconds. */
  tokenExpiresAt: number;
}

export type SignedInShopper = Shopper & { token: string };
export type Send = (spec: Omit<RequestSpec, 'signal'>) => Promise<Answer>;

export interface ShopperPoolOptions {
  /** Accounts to keep; more are signed up on demand until there are this many. */
  size: number;
  /** Distinguishes this run's accounts from earlier runs' (e-mails are unique). */
  runId: string;
  now: () => number;
  /** Log in again when a token has less than this left. */
  refreshBeforeMs?: number;
  onSizeChange?: (size: number) => void;
}

const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Ken', 'Margaret', 'Linus', 'Radia', 'Donald', 'Frances', 'Tim'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Thompson', 'Hamilton', 'Torvalds', 'Perlman', 'Knuth', 'Allen', 'Berners-Lee'];
/** At most this many sign-ups run at once for the pool (the auth rate limit is small). */
const MAX_PARALLEL_SIGNUPS = 2;

export class ShopperPool {
  readonly #options: ShopperPoolOptions;
  readonly #shoppers: Shopper[] = [];
  readonly #pending = new Set<Promise<unknown>>();
  readonly #logins = new Map<Shopper, Promise<SignedInShopper>>();
  #counter = 0;

  constructor(options: ShopperPoolOptions) {
    this.#options = options;
  }

  get size(): number {
    return this.#shoppers.length;
  }

  /** A signed-in shopper: a new account while the pool is short of its size, else a pooled one. */
  async signedIn(send: Send, random: Random): Promise<SignedInShopper> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const room = this.#shoppers.length + this.#pending.size < this.#options.size;
      if (room && this.#pending.size < MAX_PARALLEL_SIGNUPS) return this.signUp(send, random);
      if (this.#shoppers.length > 0) return this.#fresh(random.pick(this.#shoppers), send);
      // Nobody yet, but sign-ups are under way: use the first that finishes.
      await Promise.race(this.#pending).catch(() => undefined);
    }
    return this.signUp(send, random);
  }

  /** Signs up and logs in a new account; it joins the pool (once signed up) while the pool has room. */
  async signUp(send: Send, random: Random): Promise<SignedInShopper> {
    const work = this.#signUp(send, random);
    this.#pending.add(work);
    try {
      return await work;
    } finally {
      this.#pending.delete(work);
    }
  }

  async #signUp(send: Send, random: Random): Promise<SignedInShopper> {
    this.#counter++;
    const shopper: Shopper = {
      email: `shopper-${this.#options.runId}-${this.#counter}@loadgen.shopwatch.test`,
      password: randomBytes(12).toString('base64url'),
      displayName: `${random.pick(FIRST)} ${random.pick(LAST)}`,
      tokenExpiresAt: 0,
    };
    await send({
      step: 'signup',
      method: 'POST',
      path: PATHS.signup,
      body: { email: shopper.email, password: shopper.password, displayName: shopper.displayName },
      expect: [201],
    });
    // Pooled before logging in: an account whose first login is rate-limited logs in on next use.
    if (this.#shoppers.length < this.#options.size) {
      this.#shoppers.push(shopper);
      this.#options.onSizeChange?.(this.#shoppers.length);
    }
    return this.#fresh(shopper, send);
  }

  async #fresh(shopper: Shopper, send: Send): Promise<SignedInShopper> {
    const refreshBefore = this.#options.refreshBeforeMs ?? 60_000;
    if (shopper.token && shopper.tokenExpiresAt - this.#options.now() > refreshBefore) return shopper as SignedInShopper;
    // Parallel scenarios that picked the same shopper share one login.
    const running = this.#logins.get(shopper);
    if (running) return running;
    const login = this.#login(shopper, send).finally(() => this.#logins.delete(shopper));
    this.#logins.set(shopper, login);
    return login;
  }

  async #login(shopper: Shopper, send: Send): Promise<SignedInShopper> {
    let answer: Answer;
    try {
      answer = await send({ step: 'login', method: 'POST', path: PATHS.login, body: { email: shopper.email, password: shopper.password }, expect: [200] });
    } catch (error) {
      // The account is gone or locked (e.g. the users database was reset): stop using it.
      if (error instanceof ScenarioFailure && error.reason === 'unauthorized') this.#remove(shopper);
      throw error;
    }
    const body = answer.body as { accessToken?: unknown; expiresIn?: unknown };
    if (typeof body.accessToken !== 'string' || typeof body.expiresIn !== 'number') {
      throw new ScenarioFailure('unexpected_response', 'login', 'login answered without accessToken/expiresIn');
    }
    shopper.token = body.accessToken;
    shopper.tokenExpiresAt = this.#options.now() + body.expiresIn * 1000;
    return shopper as SignedInShopper;
  }

  #remove(shopper: Shopper): void {
    const index = this.#shoppers.indexOf(shopper);
    if (index >= 0) {
      this.#shoppers.splice(index, 1);
      this.#options.onSizeChange?.(this.#shoppers.length);
    }
  }
}
