import { alertsContract } from '../../../shared/contract/alerts';
import type { ServiceArea } from '../app/serviceArea';
import type { EventHub } from '../rpc/eventHub';
import { alertSources, type AlertSourceServices } from './alertSources';
import { createAlertsService, type AlertsService, type AlertsServiceDeps } from './alertsService';

/** What the alerts area is built from: its data file, the services its rules read, the hub and the platform's notifications. */
export type AlertsAreaDeps = Omit<AlertsServiceDeps, 'sources' | 'announce'> &
  AlertSourceServices & {
    hub: Pick<EventHub, 'publish'>;
  };

/**
 * The Alerts area: rules evaluated every few minutes while the app runs, the
 * alerts they open and resolve, OS notifications for new ones, and audited
 * acknowledgements. Its timer stops on close.
 */
export function createAlertsArea(deps: AlertsAreaDeps): ServiceArea<typeof alertsContract> & { service: AlertsService } {
  const { gpu, spend, access, drills, hub, ...rest } = deps;
  const service = createAlertsService({
    ...rest,
    sources: alertSources({ gpu, spend, access, drills, connections: rest.connections }),
    announce: (changed) => hub.publish('alerts.changed', changed),
  });
  return {
    contract: alertsContract,
    service,
    handlers: {
      'alerts.rules.list': () => service.rules(),
      'alerts.rules.save': (params, ctx) => service.save(params, ctx.actor),
      'alerts.rules.remove': async ({ id }, ctx) => {
        await service.remove(id, ctx.actor);
        return {};
      },
      'alerts.list': ({ state }) => service.list(state),
      'alerts.acknowledge': ({ id }, ctx) => service.acknowledge(id, ctx.actor),
      'alerts.settings.get': () => service.settings(),
      'alerts.settings.save': (settings) => service.saveSettings(settings),
      'alerts.evaluateNow': () => service.evaluateNow(),
    },
    endSession: () => {},
    close: () => service.close(),
  };
}
