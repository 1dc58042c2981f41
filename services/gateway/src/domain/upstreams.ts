// The services the gateway routes to, each with its local port (docs/architecture.md §2) and its access policy.
// `/api/<name>/<path>` goes to `<NAME>_URL` + `/<path>`; a name not listed here is a 404. Services
// not meant for the public (psp, loadgen) are deliberately absent.

/** Who may call a route: anyone, anyone signed in, or admins only. */
export type Access = 'public' | 'signed-in' | 'admin';

export interface AccessRule {
  methods: readonly string[];
  /** Matched against the upstream path without the query string, as sent (not decoded). */
  path: RegExp;
  access: Access;
}

export interface ServicePolicy {
  rules: readonly AccessRule[];
  /** Access for a request no rule matches. */
  otherwise: Access;
}

export interface ServiceDefinition {
  localPort: number;
  policy: ServicePolicy;
}

const READS = ['GET', 'HEAD'] as const;
/** The upstream that serves the site itself (pages and assets) at `/`. */
export const SITE = 'storefront';
const publicReads: AccessRule = { methods: READS, path: /^\//, access: 'public' };

/**
 * The routing table. Reads of shop data are public (the storefront browses anonymously); writes
 * name the role they need here as well as in the service, so a forbidden request never reaches it.
 */
export const SERVICES: Readonly<Record<string, ServiceDefinition>> = {
  users: {
    localPort: 8101,
    policy: { rules: [{ methods: ['POST'], path: /^\/(signup|login)$/, access: 'public' }], otherwise: 'signed-in' },
  },
  catalog: { localPort: 8102, policy: { rules: [publicReads], otherwise: 'admin' } },
  // Stock levels are public; reservations are the saga's business (admin only, like inventory itself).
  inventory: { localPort: 8103, policy: { rules: [{ methods: READS, path: /^\/stock(\/|$|\?)/, access: 'public' }], otherwise: 'admin' } },
  orders: { localPort: 8104, policy: { rules: [], otherwise: 'signed-in' } },
  payments: { localPort: 8105, policy: { rules: [], otherwise: 'signed-in' } },
  shipping: {
    localPort: 8107,
    policy: { rules: [publicReads, { methods: ['POST'], path: /^\/quotes$/, access: 'public' }], otherwise: 'signed-in' },
  },
  notifications: { localPort: 8108, policy: { rules: [], otherwise: 'signed-in' } },
  support: { localPort: 8109, policy: { rules: [], otherwise: 'signed-in' } },
  analytics: {
    localPort: 8110,
    policy: { rules: [{ methods: ['POST'], path: /^\/events$/, access: 'public' }], otherwise: 'admin' },
  },
  // The web shop: not under /api, but every GET/HEAD outside /api (see siteTarget).
  [SITE]: { localPort: 8090, policy: { rules: [publicReads], otherwise: 'admin' } },
};

export function accessFor(policy: ServicePolicy, method: string, path: string): Access {
  const pathname = path.split('?', 1)[0] ?? '/';
  for (const rule of policy.rules) {
    if (rule.methods.includes(method) && rule.path.test(pathname)) return rule.access;
  }
  return policy.otherwise;
}

/** `catalog` → `CATALOG_URL`. */
export function urlVariable(service: string): string {
  return `${service.toUpperCase()}_URL`;
}

export interface Upstream {
  name: string;
  url: string;
  policy: ServicePolicy;
}

/** Every known service with its URL from the environment, or its local `make dev` port. */
export function resolveUpstreams(env: Record<string, string | undefined>): Upstream[] {
  return Object.entries(SERVICES).map(([name, definition]) => ({
    name,
    url: (env[urlVariable(name)] || `http://127.0.0.1:${definition.localPort}`).replace(/\/+$/, ''),
    policy: definition.policy,
  }));
}

/**
 * Splits `/api/<service>/<rest>?<query>` (the raw URL, still percent-encoded) into the service
 * and the upstream path. Undefined when the URL does not have that shape.
 */
export function splitApiUrl(rawUrl: string): { service: string; path: string } | undefined {
  const match = /^\/api\/([a-z]+)(\/[^?]*)?(\?.*)?$/.exec(rawUrl);
  if (!match?.[1] || match[1] === SITE) return undefined;
  return { service: match[1], path: `${match[2] ?? '/'}${match[3] ?? ''}` };
}

/** GET/HEAD outside `/api` go to the storefront with their URL as it came; anything else nowhere. */
export function siteTarget(method: string, rawUrl: string): { service: string; path: string } | undefined {
  if ((method !== 'GET' && method !== 'HEAD') || !rawUrl.startsWith('/') || /^\/api(\/|\?|$)/.test(rawUrl)) return undefined;
  return { service: SITE, path: rawUrl };
}

/** True when a path has `.` or `..` segments (also percent-encoded): refused rather than resolved. */
export function hasDotSegments(path: string): boolean {
  const pathname = path.split('?', 1)[0] ?? '';
  return pathname.split('/').some((segment) => {
    const lowered = segment.toLowerCase().replaceAll('%2e', '.');
    return lowered === '.' || lowered === '..';
  });
}

/** What the rate limiter counts separately: sign-up and login get their own, tighter bucket. */
export type RouteClass = 'auth' | 'api';

export function routeClass(service: string, method: string, path: string): RouteClass {
  const pathname = path.split('?', 1)[0] ?? '/';
  return service === 'users' && method === 'POST' && /^\/(signup|login)$/.test(pathname) ? 'auth' : 'api';
}
