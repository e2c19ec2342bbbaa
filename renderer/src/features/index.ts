import { createRegistry, type DialogOf, type RouteOf } from '../shell/feature';
import { shellFeature } from '../shell/shellFeature';
import { alertsFeature } from './alerts/feature';
import { auditFeature } from './audit/feature';
import { clustersFeature } from './clusters/feature';
import { connectionsFeature } from './connections/feature';
import { drillsFeature } from './drills/feature';
import { gpusFeature } from './gpus/feature';
import { pipelinesFeature } from './pipelines/feature';
import { rolloutsFeature } from './rollouts/feature';
import { runbooksFeature } from './runbooks/feature';
import { spendFeature } from './spend/feature';
import { terminalFeature } from './terminal/feature';

/**
 * Every feature of the app. A feature brings its page, dialogs, palette and
 * menu commands in its own `feature.tsx`; adding one is a line here.
 */
export const features = [connectionsFeature, clustersFeature, rolloutsFeature, pipelinesFeature, drillsFeature, gpusFeature, spendFeature, alertsFeature, terminalFeature, runbooksFeature, auditFeature, shellFeature] as const;

/** The app as the features make it up. */
export const appRegistry = createRegistry(features);

/** A page's route, as `#/<route>` shows it. */
export type RouteId = RouteOf<(typeof features)[number]>;
/** An app-wide dialog's id. */
export type DialogId = DialogOf<(typeof features)[number]>;
