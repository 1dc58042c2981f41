// The app's pages as data: a URL (path and query) becomes a Route, a Route becomes a URL. The
// server answers every such path with index.html; this decides what to draw.

export type Route =
  | { name: 'home'; category?: string | undefined; cursor?: string | undefined }
  | { name: 'search'; q: string; offset: number }
  | { name: 'product'; id: string }
  | { name: 'cart' }
  | { name: 'checkout' }
  | { name: 'login'; next?: string | undefined }
  | { name: 'signup'; next?: string | undefined }
  | { name: 'orders' }
  | { name: 'order'; id: string }
  | { name: 'support' }
  | { name: 'not-found' };

const ID = /^[A-Za-z0-9_-]{1,100}$/;
const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;

function safeNext(value: string | null): string | undefined {
  // Only paths of this site: never `//host` or a full URL (no open redirect).
  return value && value.startsWith('/') && !value.startsWith('//') && !value.includes('\\') ? value : undefined;
}

export function parseRoute(pathname: string, search: string): Route {
  const params = new URLSearchParams(search);
  const segments = pathname.split('/').filter(Boolean);
  const [first, second, ...rest] = segments;
  if (rest.length > 0) return { name: 'not-found' };
  if (first === undefined) {
    const category = params.get('category') ?? undefined;
    const cursor = params.get('cursor') ?? undefined;
    return { name: 'home', category: category && SLUG.test(category) ? category : undefined, cursor: cursor && cursor.length <= 512 ? cursor : undefined };
  }
  if (second === undefined) {
    switch (first) {
      case 'search': {
        const offset = Number(params.get('offset') ?? '0');
        return { name: 'search', q: (params.get('q') ?? '').slice(0, 200), offset: Number.isInteger(offset) && offset >= 0 && offset <= 1000 ? offset : 0 };
      }
      case 'cart':
      case 'checkout':
      case 'orders':
      case 'support':
        return { name: first };
      case 'login':
      case 'signup':
        return { name: first, next: safeNext(params.get('next')) };
      default:
        return { name: 'not-found' };
    }
  }
  if (first === 'products' && ID.test(second)) return { name: 'product', id: second };
  if (first === 'orders' && ID.test(second)) return { name: 'order', id: second };
  return { name: 'not-found' };
}

function withQuery(path: string, query: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '' && value !== 0) params.set(key, String(value));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

export function hrefFor(route: Route): string {
  switch (route.name) {
    case 'home':
      return withQuery('/', { category: route.category, cursor: route.cursor });
    case 'search':
      return withQuery('/search', { q: route.q, offset: route.offset });
    case 'product':
      return `/products/${encodeURIComponent(route.id)}`;
    case 'order':
      return `/orders/${encodeURIComponent(route.id)}`;
    case 'login':
    case 'signup':
      return withQuery(`/${route.name}`, { next: route.next });
    case 'not-found':
      return '/';
    default:
      return `/${route.name}`;
  }
}
