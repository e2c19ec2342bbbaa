import type { Feature } from '../../shell/feature';
import { DrillsPage } from './DrillsPage';

/** DR drills: back namespaces up, restore them somewhere safe, verify and measure RTO and RPO against targets, and keep the report. */
export const drillsFeature: Feature<'drills'> = {
  id: 'drills',
  page: { route: 'drills', label: 'DR drills', navOrder: 50, component: DrillsPage },
};
