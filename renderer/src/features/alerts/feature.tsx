import type { Feature } from '../../shell/feature';
import { AlertsPage } from './AlertsPage';
import { useAlertsApp, useAlertsBadge } from './useAlertsApp';

/** Alerts: rules on idle GPU cost, daily spend and GPU nodes, evaluated while the app runs; what fired, acknowledged with an audit entry. */
export const alertsFeature: Feature<'alerts'> = {
  id: 'alerts',
  page: { route: 'alerts', label: 'Alerts', navOrder: 62, component: AlertsPage, useBadge: useAlertsBadge },
  useAppEffects: useAlertsApp,
};
