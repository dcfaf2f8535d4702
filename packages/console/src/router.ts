/**
 * The console's routes as data: a path becomes one `Page` (and back), and `navigate` moves
 * through the browser history so the back button and a reload work. The server answers every
 * non-API path with the app.
 */
import { useSyncExternalStore } from 'react';

export type Page =
  | { readonly name: 'tests' }
  | { readonly name: 'new' }
  | { readonly name: 'test'; readonly testId: string }
  | { readonly name: 'edit'; readonly testId: string }
  | { readonly name: 'copy'; readonly testId: string }
  | { readonly name: 'run'; readonly testId: string; readonly runId: string }
  | { readonly name: 'compare'; readonly testId: string; readonly runId: string; readonly withRun?: string }
  | { readonly name: 'regions' }
  | { readonly name: 'access' }
  | { readonly name: 'missing'; readonly path: string };

const seg = (s: string) => encodeURIComponent(s);

export function pathOf(p: Page): string {
  switch (p.name) {
    case 'tests':
      return '/';
    case 'new':
      return '/tests/new';
    case 'test':
      return `/tests/${seg(p.testId)}`;
    case 'edit':
      return `/tests/${seg(p.testId)}/edit`;
    case 'copy':
      return `/tests/${seg(p.testId)}/copy`;
    case 'run':
      return `/tests/${seg(p.testId)}/runs/${seg(p.runId)}`;
    case 'compare':
      return `/tests/${seg(p.testId)}/runs/${seg(p.runId)}/compare${p.withRun ? `?with=${seg(p.withRun)}` : ''}`;
    case 'regions':
      return '/regions';
    case 'access':
      return '/access';
    case 'missing':
      return p.path;
  }
}

export function pageOf(pathname: string, search = ''): Page {
  const parts = pathname
    .split('/')
    .filter((s) => s !== '')
    .map(decodeURIComponent);
  const [a, b, c, d, e] = parts;
  if (parts.length === 0) return { name: 'tests' };
  if (a === 'regions' && parts.length === 1) return { name: 'regions' };
  if (a === 'access' && parts.length === 1) return { name: 'access' };
  if (a === 'tests') {
    if (b === 'new' && parts.length === 2) return { name: 'new' };
    if (b && parts.length === 2) return { name: 'test', testId: b };
    if (b && (c === 'edit' || c === 'copy') && parts.length === 3) return { name: c, testId: b };
    if (b && c === 'runs' && d && parts.length === 4) return { name: 'run', testId: b, runId: d };
    if (b && c === 'runs' && d && e === 'compare' && parts.length === 5) {
      const withRun = new URLSearchParams(search).get('with') ?? undefined;
      return { name: 'compare', testId: b, runId: d, ...(withRun ? { withRun } : {}) };
    }
  }
  return { name: 'missing', path: pathname };
}

const changed = 'dlt:navigate';

export function navigate(to: Page | string, replace = false): void {
  const path = typeof to === 'string' ? to : pathOf(to);
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  window.dispatchEvent(new Event(changed));
  window.scrollTo(0, 0);
}

function subscribe(fn: () => void): () => void {
  window.addEventListener('popstate', fn);
  window.addEventListener(changed, fn);
  return () => {
    window.removeEventListener('popstate', fn);
    window.removeEventListener(changed, fn);
  };
}

/** The current page; re-renders on every navigation. */
export function usePage(): Page {
  const href = useSyncExternalStore(subscribe, () => location.pathname + location.search);
  const u = new URL(href, location.origin);
  return pageOf(u.pathname, u.search);
}
