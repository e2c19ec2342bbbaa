import type { Feature } from '../../shell/feature';
import { RolloutsPage } from './RolloutsPage';
import { useGuardAlerts } from './useGuardAlerts';

/** Rollouts: what changed lately on every cluster, and the ways back (rollback, blue/green, canary, Helm, guards that roll back by themselves). */
export const rolloutsFeature: Feature<'rollouts'> = {
  id: 'rollouts',
  page: { route: 'rollouts', label: 'Rollouts', navOrder: 30, component: RolloutsPage },
  useAppEffects: useGuardAlerts,
};
