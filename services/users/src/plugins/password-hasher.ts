// Password hashing with argon2id (@node-rs/argon2: the reference algorithm in Rust, run off the
// event loop on libuv's thread pool). Unknown e-mails are checked against a dummy hash, so a
// login for a missing account costs the same time as one with a wrong password and response
// times do not tell which e-mails are registered.
import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { Histogram } from 'prom-client';
import { needsRehash } from '../domain/argon2-params.ts';

export interface HasherSettings {
  memoryKib: number;
  timeCost: number;
}

export class PasswordHasher {
  private readonly options: { memoryCost: number; timeCost: number; parallelism: number };
  private readonly duration: Histogram<'operation'> | undefined;
  private dummy: Promise<string> | undefined;

  constructor(settings: HasherSettings, duration?: Histogram<'operation'>) {
    // argon2id is the library's default algorithm; the PHC prefix is checked in needsRehash.
    this.options = { memoryCost: settings.memoryKib, timeCost: settings.timeCost, parallelism: 1 };
    this.duration = duration;
  }

  async hash(password: string): Promise<string> {
    const stop = this.duration?.startTimer({ operation: 'hash' });
    try {
      return await hash(password, this.options);
    } finally {
      stop?.();
    }
  }

  /** False for a wrong password and for a malformed stored hash (never throws for those). */
  async verify(phc: string, password: string): Promise<boolean> {
    const stop = this.duration?.startTimer({ operation: 'verify' });
    try {
      return await verify(phc, password);
    } catch {
      return false;
    } finally {
      stop?.();
    }
  }

  /** Spends the time of one verification on an account that does not exist. */
  async verifyNobody(password: string): Promise<void> {
    this.dummy ??= hash(randomBytes(32).toString('base64url'), this.options);
    await this.verify(await this.dummy, password);
  }

  needsRehash(phc: string): boolean {
    return needsRehash(phc, { memoryKib: this.options.memoryCost, timeCost: this.options.timeCost, parallelism: this.options.parallelism });
  }
}
