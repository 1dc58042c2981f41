// Admins are never made by signup. `npm run create-admin -w @shopwatch/users` (DATABASE_URL,
// ADMIN_EMAIL, ADMIN_PASSWORD from the environment) makes one, or promotes an existing account
// and sets its password; server.ts does the same at start when ADMIN_EMAIL/ADMIN_PASSWORD are set.
import { createPool, loadConfig, startOrExit, type Queryable } from '@shopwatch/platform';
import { Type } from 'typebox';
import { normaliseEmail } from './domain/email.ts';
import { migrateUsers } from './migrate.ts';
import { PasswordHasher, type HasherSettings } from './plugins/password-hasher.ts';
import { passwordHashOf, upsertAdmin } from './plugins/users-repository.ts';
import { DEFAULT_PASSWORD } from './app.ts';

export interface AdminAccount {
  email: string;
  password: string;
  displayName?: string;
}

/** Idempotent: an admin whose password already matches is left alone (no new hash per start). */
export async function ensureAdmin(db: Queryable, account: AdminAccount, settings: HasherSettings = DEFAULT_PASSWORD, now = new Date()): Promise<'created' | 'updated' | 'unchanged'> {
  const email = normaliseEmail(account.email);
  const hasher = new PasswordHasher(settings);
  const existing = await passwordHashOf(db, email);
  if (existing?.role === 'admin' && (await hasher.verify(existing.hash, account.password)) && !hasher.needsRehash(existing.hash)) return 'unchanged';
  const result = await upsertAdmin(db, email, account.displayName ?? 'Administrator', await hasher.hash(account.password), now);
  return result.created ? 'created' : 'updated';
}

if (import.meta.main) {
  startOrExit(async () => {
    const config = loadConfig(
      Type.Object({
        DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://' }),
        ADMIN_EMAIL: Type.String({ pattern: '^\\S+@\\S+$', maxLength: 254 }),
        ADMIN_PASSWORD: Type.String({ minLength: 12, maxLength: 128 }),
        ADMIN_DISPLAY_NAME: Type.String({ minLength: 1, maxLength: 100, default: 'Administrator' }),
      }),
    );
    await migrateUsers(config.DATABASE_URL);
    const pool = createPool({ connectionString: config.DATABASE_URL, max: 1, applicationName: 'users-create-admin' });
    try {
      const outcome = await ensureAdmin(pool, { email: config.ADMIN_EMAIL, password: config.ADMIN_PASSWORD, displayName: config.ADMIN_DISPLAY_NAME });
      process.stdout.write(`users: admin account ${outcome}\n`);
    } finally {
      await pool.end();
    }
  });
}
