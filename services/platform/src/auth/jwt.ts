// Bearer-token authentication with JWTs (HS256 via jose). Services verify; only users issues.
// Reads stay public where the route says so; writes declare the role they need.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { problems } from '../http/problem.ts';

export type Role = 'customer' | 'admin';

export interface Principal {
  subject: string;
  role: Role;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

const ISSUER = 'shopwatch-users';
const AUDIENCE = 'shopwatch';

export interface JwtSettings {
  /** Shared HS256 secret (≥ 32 characters, from JWT_SECRET). */
  secret: string;
}

function key(settings: JwtSettings): Uint8Array {
  return new TextEncoder().encode(settings.secret);
}

export async function issueToken(settings: JwtSettings, principal: Principal, ttlSeconds = 3600, now = new Date()): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({ role: principal.role })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(principal.subject)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttlSeconds)
    .sign(key(settings));
}

/** Verifies a compact JWT; throws a 401 ProblemError saying why (expired, bad signature, malformed). */
export async function verifyToken(settings: JwtSettings, token: string): Promise<Principal> {
  try {
    const { payload } = await jwtVerify(token, key(settings), { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
    const role = payload.role;
    if (typeof payload.sub !== 'string' || (role !== 'customer' && role !== 'admin')) {
      throw problems.unauthorized('The token lacks a subject or a known role.');
    }
    return { subject: payload.sub, role };
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) throw problems.unauthorized('The token has expired.');
    if (error instanceof joseErrors.JOSEError) throw problems.unauthorized('The token is invalid.');
    throw error;
  }
}

/** Marks the hooks made by {@link requireAuth}, so the app factory can check where they run. */
export const AUTH_GUARD: unique symbol = Symbol('shopwatch.auth-guard');

export type AuthGuard = ((request: FastifyRequest, reply: FastifyReply) => Promise<void>) & { [AUTH_GUARD]: Role | 'signed-in' };

export function isAuthGuard(hook: unknown): hook is AuthGuard {
  return typeof hook === 'function' && AUTH_GUARD in hook;
}

/**
 * A route's `onRequest` hook: requires a valid bearer token, and `role` if given; sets
 * request.principal. It must run in `onRequest`, before the body is read and validated (the app
 * factory refuses it anywhere later): otherwise a caller without a token would be told the
 * route's body schema by its validation errors.
 */
export function requireAuth(settings: JwtSettings, role?: Role): AuthGuard {
  const guard = async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header) : null;
    if (!match?.[1]) throw problems.unauthorized();
    const principal = await verifyToken(settings, match[1]);
    if (role && principal.role !== role) throw problems.forbidden(`This action needs the ${role} role.`);
    request.principal = principal;
  };
  return Object.assign(guard, { [AUTH_GUARD]: role ?? ('signed-in' as const) });
}
