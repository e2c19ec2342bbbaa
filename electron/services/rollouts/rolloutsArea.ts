import { rolloutsContract } from '../../../shared/contract';
import type { ServiceArea } from '../app/serviceArea';
import type { AuditService } from '../audit/auditService';
import type { ConnectionService } from '../connections/connectionService';
import type { KubeAccess } from '../kube/client/kubeAccess';
import type { Logger } from '../logging/logger';
import { createRollbacks } from './rollback';
import { createRolloutHistory } from './rolloutHistory';

export interface RolloutsAreaDeps {
  /** The kube area's access: one client and discovery per connection. */
  access: KubeAccess;
  audit: AuditService;
  connections: Pick<ConnectionService, 'list'>;
  log: Logger;
}

/** The rollouts area: workload history and audited rollbacks; it holds nothing open. */
export function createRolloutsArea(deps: RolloutsAreaDeps): ServiceArea<typeof rolloutsContract> {
  const history = createRolloutHistory(deps.access);
  const rollbacks = createRollbacks(deps);
  return {
    contract: rolloutsContract,
    handlers: {
      'rollouts.history': (ref) => history.history(ref),
      'rollouts.rollback': (params, ctx) => rollbacks.rollback(params, ctx.actor),
    },
    endSession: () => {},
    close: () => {},
  };
}
