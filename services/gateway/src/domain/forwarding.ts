// Which headers cross the gateway, in each direction. Hop-by-hop headers (RFC 9110 §7.6.1) are
// per connection and never forwarded; identity headers are set only from a verified token, so a
// client cannot claim to be someone by sending them.

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'http2-settings',
]);

/** Set by the gateway only; whatever a client sends under these names is dropped. */
export const PRINCIPAL_HEADERS = { subject: 'x-user-id', role: 'x-user-role' } as const;
/**
 * Request headers about the client's own connection to the gateway: the body is forwarded as a
 * buffer whose length the HTTP client sets itself, and `Expect: 100-continue` (curl sends it for
 * bodies over 1 KiB) was already answered here — the upstream client would refuse both.
 */
const REQUEST_FRAMING = new Set(['content-length', 'expect']);
const GATEWAY_OWNED = new Set<string>([PRINCIPAL_HEADERS.subject, PRINCIPAL_HEADERS.role, 'x-request-id', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host']);

export interface ForwardContext {
  requestId: string;
  clientIp: string;
  /** The scheme and host the client used. */
  proto: string;
  host: string | undefined;
  principal?: { subject: string; role: string } | undefined;
}

export function upstreamRequestHeaders(incoming: Record<string, string | string[] | undefined>, ctx: ForwardContext): Record<string, string> {
  const headers: Record<string, string> = {};
  const connectionListed = new Set(
    String(incoming['connection'] ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
  );
  for (const [name, value] of Object.entries(incoming)) {
    const lower = name.toLowerCase();
    if (value === undefined || HOP_BY_HOP.has(lower) || REQUEST_FRAMING.has(lower) || GATEWAY_OWNED.has(lower) || connectionListed.has(lower)) continue;
    headers[lower] = Array.isArray(value) ? value.join(', ') : value;
  }
  headers['x-request-id'] = ctx.requestId;
  // The gateway is the edge: it does not trust a client's X-Forwarded-For, it starts the chain.
  headers['x-forwarded-for'] = ctx.clientIp;
  headers['x-forwarded-proto'] = ctx.proto;
  if (ctx.host) headers['x-forwarded-host'] = ctx.host;
  if (ctx.principal) {
    headers[PRINCIPAL_HEADERS.subject] = ctx.principal.subject;
    headers[PRINCIPAL_HEADERS.role] = ctx.principal.role;
  }
  return headers;
}

/** Upstream response headers for the client: hop-by-hop and the upstream's request id dropped. */
export function clientResponseHeaders(upstream: Record<string, string | string[] | undefined>, service: string): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(upstream)) {
    const lower = name.toLowerCase();
    if (value === undefined || HOP_BY_HOP.has(lower) || lower === 'x-request-id') continue;
    headers[lower] = lower === 'location' && typeof value === 'string' ? rewriteLocation(value, service) : value;
  }
  return headers;
}

/** An upstream's `Location: /products/1` becomes `/api/catalog/products/1`; absolute URLs are kept. */
export function rewriteLocation(location: string, service: string): string {
  return location.startsWith('/') && !location.startsWith('//') ? `/api/${service}${location}` : location;
}
