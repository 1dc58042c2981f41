// Loadgen points at loopback by default: a typo in GATEWAY_URL must not send synthetic traffic to
// somebody else's shop. Anything else needs LOADGEN_ALLOW_REMOTE=true (e.g. in a cluster).

export function isLoopbackUrl(url: string): boolean {
  let hostname: string;
  try {
    hostname = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) return true;
  if (hostname === '[::1]') return true;
  const octets = hostname.split('.');
  return octets.length === 4 && octets[0] === '127' && octets.every((o) => /^\d{1,3}$/.test(o) && Number(o) <= 255);
}
