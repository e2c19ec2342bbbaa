import type { ComponentType } from 'react';
import type { ConnectionSummary } from '../../../../shared/contract';
import { ArgoRolloutsView } from './ArgoRolloutsView';
import { GuardsView } from './GuardsView';
import { HelmReleasesView } from './HelmReleasesView';
import { RecentChangesView } from './RecentChangesView';
import { TrafficPairsView } from './TrafficPairsView';

/**
 * One view of the Rollouts page. A view of `connection` scope works on the
 * Kubernetes connection chosen in the top bar; one of `all` scope spans every
 * connection. Adding a view is a line in {@link ROLLOUTS_TABS}.
 */
export type RolloutsTab = { id: string; label: string } & (
  | { scope: 'all'; component: ComponentType }
  | { scope: 'connection'; component: ComponentType<{ connection: ConnectionSummary }> }
);

/** The Rollouts page's views, in the order of its tabs. */
export const ROLLOUTS_TABS: readonly RolloutsTab[] = [
  { id: 'recent', label: 'Changed in 24 h', scope: 'all', component: RecentChangesView },
  { id: 'helm', label: 'Helm releases', scope: 'connection', component: HelmReleasesView },
  { id: 'traffic', label: 'Blue/green & canary', scope: 'connection', component: TrafficPairsView },
  { id: 'argo', label: 'Argo Rollouts', scope: 'connection', component: ArgoRolloutsView },
  { id: 'guards', label: 'Guards', scope: 'connection', component: GuardsView },
];
