import { rolloutsContract } from '../../../shared/contract';
import type { ServiceArea } from '../app/serviceArea';
import type { AuditService } from '../audit/auditService';
import type { ConnectionService } from '../connections/connectionService';
import type { KubeAccess } from '../kube/client/kubeAccess';
import type { Logger } from '../logging/logger';
import type { EventHub } from '../rpc/eventHub';
import type { Database } from '../store/database';
import type { TaskRunner } from '../tasks/taskRunner';
import { createArgoCd } from './argoCd';
import { createArgoRollouts } from './argoRollouts';
import { createBlueGreenSwitches } from './blueGreen';
import { createCanaries } from './canary';
import { createRollbacks } from './rollback';
import { createRecentChanges } from './recentChanges';
import { createRolloutGuards, type Notify } from './rolloutGuards';
import { createRolloutHistory } from './rolloutHistory';
import { createTrafficPairs } from './trafficPairs';

export interface RolloutsAreaDeps {
  /** The kube area's access: one client and discovery per connection. */
  access: KubeAccess;
  connections: Pick<ConnectionService, 'list'>;
  /** Read to say who made the changes the cockpit lists, when they were made here; records guards set and removed. */
  audit: Pick<AuditService, 'list' | 'record'>;
  runner: TaskRunner;
  log: Logger;
  /** Keeps the rollout guards. */
  db: Database;
  /** Announces a guard's trip. */
  hub: Pick<EventHub, 'publish'>;
  /** Shows a guard's trip as a desktop notification, where the host can (Electron). */
  notify?: Notify;
}

/** The rollouts area: workload history, rollbacks, blue/green switches and canaries (tasks, which the tasks area owns); guarded rollouts, whose watcher runs until the app closes. */
export function createRolloutsArea(deps: RolloutsAreaDeps): ServiceArea<typeof rolloutsContract> {
  const history = createRolloutHistory(deps.access);
  const rollbacks = createRollbacks(deps);
  const trafficPairs = createTrafficPairs(deps.access);
  const switches = createBlueGreenSwitches(deps);
  const canaries = createCanaries(deps);
  const argo = createArgoRollouts(deps);
  const argoCd = createArgoCd(deps);
  const recentChanges = createRecentChanges(deps);
  const guards = createRolloutGuards({ ...deps, rollbacks });
  return {
    contract: rolloutsContract,
    handlers: {
      'rollouts.history': (ref) => history.history(ref),
      'rollouts.rollback': (params, ctx) => rollbacks.start(params, ctx.actor),
      'rollouts.rollbackPreview': (params) => rollbacks.preview(params),
      'rollouts.revisionTemplate': (params) => history.revisionTemplate(params),
      'rollouts.trafficPairs': (params) => trafficPairs.pairs(params),
      'rollouts.switchSlot': (params, ctx) => switches.start(params, ctx.actor),
      'rollouts.setCanaryWeight': (params, ctx) => canaries.setWeight(params, ctx.actor),
      'rollouts.promoteCanary': (params, ctx) => canaries.promote(params, ctx.actor),
      'rollouts.abortCanary': (params, ctx) => canaries.abort(params, ctx.actor),
      'rollouts.argoRollouts': (params) => argo.list(params),
      'rollouts.argoPromote': (params, ctx) => argo.promote(params, ctx.actor),
      'rollouts.argoAbort': (params, ctx) => argo.abort(params, ctx.actor),
      'rollouts.argoRetry': (params, ctx) => argo.retry(params, ctx.actor),
      'rollouts.argoUndo': (params, ctx) => argo.undo(params, ctx.actor),
      'rollouts.argoCdApplication': (params) => argoCd.application(params),
      'rollouts.argoCdSync': (params, ctx) => argoCd.sync(params, ctx.actor),
      'rollouts.recentChanges': ({ hours, connectionId }) => recentChanges.recent(hours, connectionId),
      'rollouts.guards': ({ connectionId }) => ({ guards: guards.list(connectionId) }),
      'rollouts.addGuard': (params, ctx) => guards.add(params, ctx.actor),
      'rollouts.removeGuard': async (ref, ctx) => {
        await guards.remove(ref, ctx.actor);
        return { removed: true as const };
      },
    },
    endSession: () => {},
    close: () => guards.close(),
  };
}
