import type { Feature } from '../../shell/feature';
import { placeholderFeature } from '../../shell/PlaceholderPage';

/** Runbooks: replaced by the runbooks feature (#18). */
export const runbooksFeature: Feature<'runbooks'> = placeholderFeature({ route: 'runbooks', label: 'Runbooks', navOrder: 80, summary: 'Your runbooks, readable offline, with steps you can run against the selected connection.' });
