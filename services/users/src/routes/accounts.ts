import { issueToken, problems, ProblemError, requireAuth, sqlState, type App, problemResponses } from '@shopwatch/platform';
import { cleanDisplayName } from '../domain/display-name.ts';
import { normaliseEmail } from '../domain/email.ts';
import { retryAfterSeconds } from '../domain/lockout.ts';
import * as repo from '../plugins/users-repository.ts';
import { LoginBody, LoginResult, ProfileUpdate, SignupBody, User } from '../schemas/user.ts';
import type { UsersContext } from './context.ts';

/** Wrong e-mail and wrong password get the same answer: the response must not tell which it was. */
const invalidCredentials = () => new ProblemError(401, 'invalid-credentials', 'Unauthorized', 'The e-mail address or the password is wrong.');

function accountLocked(seconds: number): ProblemError {
  return new ProblemError(429, 'account-locked', 'Too Many Requests', `Too many failed logins for this account; try again in ${seconds} s.`, {
    headers: { 'retry-after': String(seconds) },
    extensions: { retryAfterSeconds: seconds },
  });
}

function displayNameOrThrow(raw: string): string {
  const name = cleanDisplayName(raw);
  if (name === undefined) throw problems.badRequest('The display name is blank or contains control characters.', [{ field: '/body/displayName', message: 'is not printable text' }]);
  return name;
}

export function registerAccountRoutes(app: App, ctx: UsersContext): void {
  const signedIn = requireAuth(ctx.jwt);

  app.post(
    '/signup',
    { schema: { tags: ['accounts'], summary: 'Create a customer account', body: SignupBody, response: { 201: User, ...problemResponses(400, 409) } } },
    async (request, reply) => {
      const email = normaliseEmail(request.body.email);
      const displayName = displayNameOrThrow(request.body.displayName);
      const passwordHash = await ctx.hasher.hash(request.body.password);
      // Signup always makes a customer; admins come from configuration or the create-admin command.
      const user = await repo.createUser(ctx.pool, { email, displayName, passwordHash, role: 'customer' }, ctx.now()).catch((error: unknown) => {
        if (sqlState(error) === '23505') {
          ctx.metrics.signupConflicts.inc();
          throw new ProblemError(409, 'conflict', 'Conflict', 'An account with this e-mail address already exists.', {
            errors: [{ field: '/body/email', message: 'is already registered' }],
          });
        }
        throw error;
      });
      ctx.metrics.signups.inc();
      return reply.code(201).header('location', '/me').send(user);
    },
  );

  app.post(
    '/login',
    { schema: { tags: ['accounts'], summary: 'Exchange e-mail and password for an access token', body: LoginBody, response: { 200: LoginResult, ...problemResponses(400, 401, 429) } } },
    async (request) => {
      const email = normaliseEmail(request.body.email);
      const { password } = request.body;
      const now = ctx.now();
      const attempt = await repo.reserveLoginAttempt(ctx.pool, email, now, ctx.lockout);
      if (attempt.kind === 'unknown') {
        await ctx.hasher.verifyNobody(password);
        ctx.metrics.recordLogin('unknown_user');
        throw invalidCredentials();
      }
      if (attempt.kind === 'locked') {
        ctx.metrics.recordLogin('locked');
        throw accountLocked(Math.max(1, retryAfterSeconds({ failedLogins: 0, lockedUntil: attempt.lockedUntil }, now)));
      }
      if (!(await ctx.hasher.verify(attempt.passwordHash, password))) {
        const lockedUntil = await repo.recordLoginFailure(ctx.pool, attempt.user.id, now, ctx.lockout);
        ctx.metrics.recordLogin('bad_password');
        if (lockedUntil && lockedUntil > now) {
          ctx.metrics.lockouts.inc();
          // The attempt that locks the account still answers 401: it was a wrong password.
        }
        throw invalidCredentials();
      }
      const newHash = ctx.hasher.needsRehash(attempt.passwordHash) ? await ctx.hasher.hash(password) : undefined;
      const expiresAt = new Date(now.getTime() + ctx.tokenTtlSeconds * 1000);
      await repo.recordLoginSuccess(ctx.pool, attempt.user.id, now, expiresAt, newHash);
      ctx.metrics.recordLogin('ok');
      const accessToken = await issueToken(ctx.jwt, { subject: attempt.user.id, role: attempt.user.role }, ctx.tokenTtlSeconds, now);
      return { accessToken, tokenType: 'Bearer' as const, expiresIn: ctx.tokenTtlSeconds, user: attempt.user };
    },
  );

  app.get(
    '/me',
    { onRequest: signedIn, schema: { tags: ['profile'], summary: 'The signed-in account', response: { 200: User, ...problemResponses(401, 404) } } },
    async (request) => {
      const user = await repo.getUser(ctx.pool, request.principal!.subject);
      if (!user) throw problems.notFound('The account');
      return user;
    },
  );

  app.patch(
    '/me',
    { onRequest: signedIn, schema: { tags: ['profile'], summary: 'Change the display name', body: ProfileUpdate, response: { 200: User, ...problemResponses(400, 401, 404) } } },
    async (request) => {
      const displayName = displayNameOrThrow(request.body.displayName);
      const user = await repo.updateDisplayName(ctx.pool, request.principal!.subject, displayName, ctx.now());
      if (!user) throw problems.notFound('The account');
      return user;
    },
  );
}
