import { spendContract } from '../../../shared/contract';
import type { ServiceArea } from '../app/serviceArea';
import type { ConnectionService } from '../connections/connectionService';
import type { Logger } from '../logging/logger';
import type { Database } from '../store/database';
import { createSpendService, type SpendService, type SpendServiceDeps } from './spendService';

export interface SpendAreaDeps {
  db: Database;
  /** AWS connections' credentials, region and endpoint; told when a connection's credentials are replaced or it is deleted. */
  connections: Pick<ConnectionService, 'awsAccessOf' | 'onCredentialsGone'>;
  log: Logger;
  /** Test seams: the clock, the backoff's sleep, recorded HTTP responses. */
  testing?: Pick<SpendServiceDeps, 'now' | 'backoff' | 'requestHandler'>;
}

/**
 * The Spend area: AWS Cost Explorer costs and forecasts, cached in the data
 * file. A connection's cached answers go with its credentials (another
 * account's costs must not show under the same id); closing stops the
 * requests under way.
 */
export function createSpendArea(deps: SpendAreaDeps): ServiceArea<typeof spendContract> & { service: SpendService } {
  const service = createSpendService({ db: deps.db, connections: deps.connections, log: deps.log, ...deps.testing });
  const unsubscribe = deps.connections.onCredentialsGone((id) => service.forgetConnection(id));
  return {
    contract: spendContract,
    service,
    handlers: {
      'spend.costs': (params) => service.costs(params),
      'spend.forecast': (params) => service.forecast(params),
      'spend.requests': ({ connectionId }) => service.requests(connectionId),
    },
    endSession: () => {},
    close: () => {
      unsubscribe();
      service.close();
    },
  };
}
