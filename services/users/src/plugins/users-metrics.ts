// Users' business metrics (documented in the README). Labels stay bounded: outcomes and reasons
// are fixed words, never e-mails or ids.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export const LOGIN_REASONS = ['ok', 'bad_password', 'unknown_user', 'locked'] as const;
export type LoginReason = (typeof LOGIN_REASONS)[number];

export interface UsersMetrics {
  signups: Counter;
  signupConflicts: Counter;
  logins: Counter<'outcome' | 'reason'>;
  lockouts: Counter;
  passwordHashDuration: Histogram<'operation'>;
  recordLogin(reason: LoginReason): void;
}

export function createUsersMetrics(registry: Registry, activeSessions: () => Promise<number>): UsersMetrics {
  const logins = new Counter({
    name: 'shop_users_logins_total',
    help: 'Login attempts, by outcome (success or failure) and reason (ok, bad_password, unknown_user, locked).',
    labelNames: ['outcome', 'reason'] as const,
    registers: [registry],
  });
  // Every series exists from the start, so rates and ratios are defined before the first failure.
  for (const reason of LOGIN_REASONS) logins.inc({ outcome: reason === 'ok' ? 'success' : 'failure', reason }, 0);

  let lastSessions = 0;
  new Gauge({
    name: 'shop_users_active_sessions',
    help: 'Access tokens issued and not yet expired, across all replicas (aggregate with max, not sum).',
    registers: [registry],
    async collect() {
      // A scrape during a database outage (or a slow database) reports the last known value after
      // at most a second instead of failing or stalling /metrics.
      let timer: NodeJS.Timeout | undefined;
      try {
        lastSessions = await Promise.race([
          activeSessions(),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error('active sessions query timed out')), 1_000);
          }),
        ]);
      } catch {
        // keep lastSessions
      } finally {
        clearTimeout(timer);
      }
      this.set(lastSessions);
    },
  });

  return {
    signups: new Counter({ name: 'shop_users_signups_total', help: 'Accounts created by signup.', registers: [registry] }),
    signupConflicts: new Counter({
      name: 'shop_users_signup_conflicts_total',
      help: 'Signups refused because the e-mail is already registered.',
      registers: [registry],
    }),
    logins,
    lockouts: new Counter({
      name: 'shop_users_lockouts_total',
      help: 'Accounts locked after too many failed logins in a row.',
      registers: [registry],
    }),
    passwordHashDuration: new Histogram({
      name: 'shop_users_password_hash_duration_seconds',
      help: 'Time to hash or verify a password (argon2id), by operation.',
      labelNames: ['operation'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: [registry],
    }),
    recordLogin(reason) {
      logins.inc({ outcome: reason === 'ok' ? 'success' : 'failure', reason });
    },
  };
}
