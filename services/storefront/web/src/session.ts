// The signed-in shopper: the JWT and the account, kept in sessionStorage (gone when the tab
// closes; never in localStorage, never in a cookie the API would accept implicitly).
import { useSyncExternalStore } from 'react';
import type { User } from './types.ts';

const KEY = 'shopwatch.session';

export interface Session {
  token: string;
  user: User;
  /** Epoch ms after which the token is no longer sent. */
  expiresAt: number;
}

const listeners = new Set<() => void>();
let cached: { raw: string | null; session: Session | null } = { raw: null, session: null };

function read(): Session | null {
  let raw: string | null;
  try {
    raw = sessionStorage.getItem(KEY);
  } catch {
    raw = null;
  }
  if (raw !== cached.raw) {
    let session: Session | null;
    try {
      const data = raw ? (JSON.parse(raw) as Session) : null;
      session = data && typeof data.token === 'string' && typeof data.expiresAt === 'number' && data.user ? data : null;
    } catch {
      session = null;
    }
    cached = { raw, session };
  }
  const session = cached.session;
  return session && session.expiresAt > Date.now() ? session : null;
}

function emit(): void {
  for (const listener of listeners) listener();
}

export function currentSession(): Session | null {
  return read();
}

export function currentToken(): string | undefined {
  return read()?.token;
}

export function signIn(token: string, user: User, expiresInSeconds: number): void {
  const session: Session = { token, user, expiresAt: Date.now() + Math.max(0, expiresInSeconds - 30) * 1000 };
  try {
    sessionStorage.setItem(KEY, JSON.stringify(session));
  } catch {
    // Storage full or disabled: the session lasts until reload.
    cached = { raw: JSON.stringify(session), session };
  }
  emit();
}

export function signOut(): void {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // ignore: nothing stored
  }
  cached = { raw: null, session: null };
  emit();
}

export function useSession(): Session | null {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    read,
  );
}
