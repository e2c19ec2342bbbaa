import { placeholderFeature, type PlannedPage } from '../shell/PlaceholderPage';

/**
 * Pages not built yet, with what they will show. A feature that builds one
 * registers the same route and label in its own folder and its entry here goes.
 */
const planned: readonly PlannedPage<never>[] = [];

/** One placeholder feature per planned page. */
export const placeholderFeatures = planned.map((p) => placeholderFeature(p));
