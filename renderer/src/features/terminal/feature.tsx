import type { Feature } from '../../shell/feature';
import { placeholderFeature } from '../../shell/PlaceholderPage';

/** Terminals: replaced by the terminal feature (#18). */
export const terminalFeature: Feature<'terminal'> = placeholderFeature({ route: 'terminal', label: 'Terminal', navOrder: 70, summary: "A shell that uses the selected connection's credentials, for kubectl and the AWS CLI." });
