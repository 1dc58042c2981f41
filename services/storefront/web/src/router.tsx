// History-API routing: links push a URL, back/forward pop one, the current Route is derived from
// location by the pure lib/routes.ts.
import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent, type ReactNode } from 'react';
import { hrefFor, parseRoute, type Route } from './lib/routes.ts';

const NAVIGATE = 'shopwatch:navigate';

function subscribe(listener: () => void): () => void {
  window.addEventListener('popstate', listener);
  window.addEventListener(NAVIGATE, listener);
  return () => {
    window.removeEventListener('popstate', listener);
    window.removeEventListener(NAVIGATE, listener);
  };
}

const locationKey = () => `${location.pathname}${location.search}`;

export function useLocationKey(): string {
  return useSyncExternalStore(subscribe, locationKey);
}

export function useRoute(): Route {
  const key = useLocationKey();
  const [path = '/', search = ''] = key.split(/(?=\?)/);
  return parseRoute(path, search);
}

export function navigate(to: Route | string, options: { replace?: boolean } = {}): void {
  const href = typeof to === 'string' ? to : hrefFor(to);
  if (href === locationKey()) return;
  if (options.replace) history.replaceState(null, '', href);
  else history.pushState(null, '', href);
  window.dispatchEvent(new Event(NAVIGATE));
  window.scrollTo(0, 0);
}

interface LinkProps extends Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> {
  to: Route;
  children: ReactNode;
}

export function Link({ to, children, onClick, ...rest }: LinkProps) {
  const href = hrefFor(to);
  const handle = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  };
  return (
    <a href={href} onClick={handle} {...rest}>
      {children}
    </a>
  );
}
