// Verified bearer tokens, remembered by their exact text until they expire, so a client that sends
// the same token on every request pays for one HMAC verification rather than one per request.
// Only tokens that verified are kept; a token past its `exp` is verified again (and refused).
// Least recently used entries go first when the cache is full.
import { verifyToken, type JwtSettings, type Principal } from '@shopwatch/platform';

interface Cached {
  principal: Principal;
  /** `exp` in ms since the epoch. */
  expiresAt: number;
}

/** The `exp` claim of a token that already verified (undefined when it has none). */
export function expiryOf(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const exp = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown }).exp;
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

export class TokenCache {
  private readonly entries = new Map<string, Cached>();
  private readonly settings: JwtSettings;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(settings: JwtSettings, options: { maxEntries?: number; now?: () => number } = {}) {
    this.settings = settings;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  has(token: string): boolean {
    return this.entries.has(token);
  }

  /** The token's principal; rejects like verifyToken (a ProblemError) when it is not valid. */
  async verify(token: string): Promise<Principal> {
    const hit = this.entries.get(token);
    if (hit) {
      this.entries.delete(token);
      if (hit.expiresAt > this.now()) {
        this.entries.set(token, hit);
        return hit.principal;
      }
    }
    const principal = await verifyToken(this.settings, token);
    const expiresAt = expiryOf(token);
    // Tokens without an expiry are verified every time rather than trusted forever.
    if (expiresAt !== undefined) {
      if (this.entries.size >= this.maxEntries) {
        const oldest = this.entries.keys().next();
        if (!oldest.done) this.entries.delete(oldest.value);
      }
      this.entries.set(token, { principal, expiresAt });
    }
    return principal;
  }
}
