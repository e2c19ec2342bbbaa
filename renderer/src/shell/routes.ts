import { useSyncExternalStore } from 'react';

/**
 * Every page, in navigation order. Pages with a `summary` are not built yet:
 * the summary says what they will show.
 */
export const routes = [
  { id: 'connections', label: 'Connections' },
  { id: 'clusters', label: 'Clusters' },
  {
    id: 'rollouts',
    label: 'Rollouts',
    summary: 'Argo Rollouts and Deployments on the selected cluster: revisions, canary steps, analysis runs, and undo to an earlier revision.',
  },
  { id: 'pipelines', label: 'Pipelines', summary: 'Argo Workflows on the selected cluster: runs, their steps and logs, and the templates you edit.' },
  { id: 'drills', label: 'DR drills', summary: 'Disaster-recovery drills with Velero: back up, restore into a scratch namespace, and keep the report that proves it worked.' },
  { id: 'gpus', label: 'GPUs & spend', summary: 'GPU use per node and per workload from Prometheus (DCGM metrics), and what it costs from AWS Cost Explorer.' },
  { id: 'terminal', label: 'Terminal', summary: "A shell that uses the selected connection's credentials, for kubectl and the AWS CLI." },
  { id: 'runbooks', label: 'Runbooks', summary: 'Your runbooks, readable offline, with steps you can run against the selected connection.' },
  { id: 'audit', label: 'Audit' },
] as const satisfies readonly { id: string; label: string; summary?: string }[];

export type RouteId = (typeof routes)[number]['id'];
export type AppRoute = (typeof routes)[number];

const DEFAULT_ROUTE: RouteId = 'connections';

/** The route named by a location hash such as `#/audit`; unknown hashes show the default page. */
export function routeFromHash(hash: string): AppRoute {
  const id = hash.replace(/^#\/?/, '').split(/[/?]/)[0];
  return routes.find((r) => r.id === id) ?? routes.find((r) => r.id === DEFAULT_ROUTE)!;
}

/** The hash that shows a page. */
export const hrefOf = (id: RouteId): string => `#/${id}`;

/** Shows a page. */
export function navigate(id: RouteId): void {
  location.hash = hrefOf(id);
}

const subscribe = (onChange: () => void) => {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
};

/** The current page, following the location hash. */
export function useRoute(): AppRoute {
  const hash = useSyncExternalStore(subscribe, () => location.hash);
  return routeFromHash(hash);
}
