// Dashboard uids must be stable (alerts link to /d/<uid>) and unique per resource, and Grafana
// allows at most 40 characters of [A-Za-z0-9_-]. A readable prefix plus a short hash of the full
// identity gives both, and avoids collisions such as ("a-b", "c") vs ("a", "b-c").
import { createHash } from 'node:crypto';

export const UID_MAX_LENGTH = 40;

export function dashboardUid(namespace: string, name: string): string {
  const hash = createHash('sha256').update(`${namespace}/${name}`).digest('hex').slice(0, 8);
  const readable = `${namespace}-${name}`.replace(/[^A-Za-z0-9_-]/g, '-');
  return `${readable.slice(0, UID_MAX_LENGTH - hash.length - 1)}-${hash}`;
}
