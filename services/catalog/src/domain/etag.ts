// Strong ETags from (id, version): every change bumps version, so equal tags mean equal bodies.

export function etagFor(id: string, version: number): string {
  return `"${id}.${version}"`;
}

/** RFC 9110 If-None-Match: `*` or a list of tags, weak or strong (weak comparison for GET). */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag);
}
