// The one way the app calls the shop's API (through the gateway at /api): JSON in and out, the
// bearer token when signed in, and every failure as an ApiError (lib/problem.ts).
import { ApiError, apiErrorFrom, networkError } from './lib/problem.ts';
import { currentToken, signOut } from './session.ts';

export interface CallOptions {
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal | undefined;
}

export async function api<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, options: CallOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json', ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const token = currentToken();
  if (token) headers['authorization'] = `Bearer ${token}`;
  let response: Response;
  try {
    response = await fetch(`/api${path}`, {
      method,
      headers,
      body: options.body === undefined ? null : JSON.stringify(options.body),
      signal: options.signal ?? null,
    });
  } catch (error) {
    throw networkError(error);
  }
  const text = await response.text().catch(() => '');
  if (!response.ok) {
    const error = apiErrorFrom(response.status, response.headers.get('content-type'), text, response.headers.get('retry-after'));
    // The token was refused (expired, or signed with a rotated key): sign out so the shopper can sign in again.
    if (error.status === 401 && token) signOut();
    throw error;
  }
  if (!text) return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiError({ status: response.status, title: 'Unreadable answer', detail: 'The shop sent an answer we could not read. Please try again.' });
  }
}

export const get = <T>(path: string, signal?: AbortSignal) => api<T>('GET', path, { signal });
export const post = <T>(path: string, body: unknown, headers?: Record<string, string>) => api<T>('POST', path, headers ? { body, headers } : { body });
