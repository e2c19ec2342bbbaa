import { rolloutsContract } from '../../../shared/contract';
import type { ServiceArea } from '../app/serviceArea';
import type { KubeAccess } from '../kube/client/kubeAccess';
import { createRolloutHistory } from './rolloutHistory';

export interface RolloutsAreaDeps {
  /** The kube area's access: one client and discovery per connection. */
  access: KubeAccess;
}

/** The rollouts area: workload history, read on request; it holds nothing open. */
export function createRolloutsArea({ access }: RolloutsAreaDeps): ServiceArea<typeof rolloutsContract> {
  const history = createRolloutHistory(access);
  return {
    contract: rolloutsContract,
    handlers: {
      'rollouts.history': (ref) => history.history(ref),
    },
    endSession: () => {},
    close: () => {},
  };
}
