import { useSyncExternalStore } from 'react';
import type { RouteId } from '../features';
import type { FeaturePage, Registry } from './feature';

export type { RouteId };

/** The page shown for an empty or unknown hash. */
export const HOME_ROUTE: RouteId = 'connections';

/** The route a location hash such as `#/audit` names, whether or not a page has it. */
export function routeFromHash(hash: string): string {
  return hash.replace(/^#\/?/, '').split(/[/?]/)[0];
}

/** The hash that shows a page. */
export const hrefOf = (route: string): string => `#/${route}`;

/** Shows the page at `route`, whichever feature registered it. */
export function showPage(route: string): void {
  location.hash = hrefOf(route);
}

/** Shows a page. */
export function navigate(id: RouteId): void {
  showPage(id);
}

const subscribe = (onChange: () => void) => {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
};

/** The page the location hash names, following it; unknown hashes show the home page. */
export function useCurrentPage(registry: Registry): FeaturePage {
  const hash = useSyncExternalStore(subscribe, () => location.hash);
  const page = registry.page(routeFromHash(hash)) ?? registry.page(HOME_ROUTE);
  if (!page) throw new Error(`No feature registers the home page "${HOME_ROUTE}"`);
  return page;
}
