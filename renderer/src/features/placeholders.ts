import { placeholderFeature, type PlannedPage } from '../shell/PlaceholderPage';

/**
 * Pages not built yet, with what they will show. A feature that builds one
 * registers the same route and label in its own folder and its entry here goes.
 */
const planned = [
  { route: 'drills', label: 'DR drills', navOrder: 50, summary: 'Disaster-recovery drills with Velero: back up, restore into a scratch namespace, and keep the report that proves it worked.' },
] as const satisfies readonly PlannedPage<string>[];

/** One placeholder feature per planned page. */
export const placeholderFeatures = planned.map((p) => placeholderFeature(p));
