import { portForwardsContract } from '../../../../shared/contract';
import type { ServiceArea } from '../../app/serviceArea';
import type { AuditService } from '../../audit/auditService';
import type { ConnectionService } from '../../connections/connectionService';
import type { Logger } from '../../logging/logger';
import type { EventHub } from '../../rpc/eventHub';
import type { KubeAccess } from '../client/kubeAccess';
import { createPortForwards, type PortForwards } from './portForwards';

export interface PortForwardsAreaDeps {
  access: KubeAccess;
  audit: AuditService;
  connections: ConnectionService;
  hub: EventHub;
  log: Logger;
}

/**
 * The port-forwards area. Forwards belong to the app, not to a window (the
 * list is shown in every window), so a session's end leaves them running.
 */
export function createPortForwardsArea(deps: PortForwardsAreaDeps): ServiceArea<typeof portForwardsContract> & { service: PortForwards } {
  const forwards = createPortForwards(deps);
  return {
    contract: portForwardsContract,
    service: forwards,
    handlers: {
      'portForwards.start': (params, ctx) => forwards.start(params, ctx.actor),
      'portForwards.list': () => forwards.list(),
      'portForwards.stop': async ({ id }, ctx) => (await forwards.stop(id, ctx.actor), {}),
    },
    endSession: () => {},
    close: () => forwards.closeAll(),
  };
}
