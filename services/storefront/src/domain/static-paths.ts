// Which answer a GET outside the API gets: a file from the build, the app's index.html (the
// browser-side router renders the page), or a refusal. Pure: the route turns the decision into a
// response. Paths are judged after percent-decoding, so `%2e%2e` is the `..` it stands for.

export type StaticDecision =
  /** A file of the build, relative to its root (decoded, no leading slash). */
  | { kind: 'file'; path: string }
  /** A page of the single-page app: answered with index.html. */
  | { kind: 'page' }
  /** Never a file and never a page (API paths, dot files). */
  | { kind: 'missing' }
  /** Malformed or hostile (bad encoding, `..`, NUL, backslash, too long). */
  | { kind: 'bad'; reason: string };

/** Longest path the storefront looks at; real pages and assets are far shorter. */
export const MAX_PATH_LENGTH = 1024;

/** Vite writes content-hashed files here: they never change under the same name. */
export const HASHED_ASSETS_DIR = 'assets/';

export function decideStatic(rawUrl: string): StaticDecision {
  const rawPath = rawUrl.split('?', 1)[0] ?? '/';
  if (rawPath.length > MAX_PATH_LENGTH) return { kind: 'bad', reason: 'The path is too long.' };
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return { kind: 'bad', reason: 'The path is not valid percent-encoding.' };
  }
  if (!path.startsWith('/')) return { kind: 'bad', reason: 'The path must start with /.' };
  if (path.includes('\0') || path.includes('\\')) return { kind: 'bad', reason: 'The path contains a forbidden character.' };
  const segments = path.split('/').slice(1);
  if (segments.some((s) => s === '.' || s === '..')) return { kind: 'bad', reason: 'Paths with . or .. segments are not served.' };
  // The API lives behind the gateway; answering an API path with the shop's HTML would hide a
  // routing mistake behind a 200.
  if (segments[0] === 'api') return { kind: 'missing' };
  if (segments.some((s) => s.startsWith('.'))) return { kind: 'missing' };
  const last = segments[segments.length - 1] ?? '';
  if (last.includes('.')) return { kind: 'file', path: segments.join('/') };
  return { kind: 'page' };
}

/**
 * Cache-Control for a file of the build: hashed assets are cached for a year and never
 * revalidated; everything else (index.html above all, which names the current assets) is
 * revalidated on every use, so a new release is picked up at once.
 */
export function cacheControlFor(relativePath: string): string {
  const normalised = relativePath.replaceAll('\\', '/');
  return normalised.startsWith(HASHED_ASSETS_DIR) ? 'public, max-age=31536000, immutable' : 'no-cache';
}
