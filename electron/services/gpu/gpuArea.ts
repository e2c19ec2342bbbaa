import { gpuContract } from '../../../shared/contract';
import type { ServiceArea } from '../app/serviceArea';
import type { ConnectionService } from '../connections/connectionService';
import type { KubeAccess } from '../kube/client/kubeAccess';
import type { Logger } from '../logging/logger';
import type { EventHub } from '../rpc/eventHub';
import type { Database } from '../store/database';
import { createGpuService, type GpuService, type GpuServiceDeps } from './gpuService';

/** What the GPU area is built from. */
export interface GpuAreaDeps {
  db: Database;
  /** The clusters' clients, shared with the kube area. */
  access: Pick<KubeAccess, 'config'>;
  /** Prometheus connections' URL and auth. */
  connections: Pick<ConnectionService, 'prometheusAccessOf'>;
  /** Tells every window when the price table changes. */
  hub: Pick<EventHub, 'publish'>;
  log: Logger;
  /** This machine's GPUs: nvidia-smi's reader. */
  readLocalGpus: GpuServiceDeps['readLocalGpus'];
  /** Test seams: Prometheus clients, the cluster lister, the clock. */
  testing?: Pick<GpuServiceDeps, 'prometheus' | 'listCluster' | 'now'>;
}

/**
 * The GPUs area: inventory of who holds which GPUs, utilisation and a heatmap
 * from dcgm-exporter's metrics, idle GPUs and their cost, the price table, and
 * this machine's GPUs. It holds nothing open between calls but a few seconds'
 * cache of each cluster's listing.
 */
export function createGpuArea(deps: GpuAreaDeps): ServiceArea<typeof gpuContract> & { service: GpuService } {
  const service = createGpuService({ db: deps.db, access: deps.access, connections: deps.connections, log: deps.log, readLocalGpus: deps.readLocalGpus, ...deps.testing });
  const pricesChanged = <T>(answer: T): T => {
    deps.hub.publish('gpu.pricesChanged', {});
    return answer;
  };
  return {
    contract: gpuContract,
    service,
    handlers: {
      'gpu.inventory': (params) => service.inventory(params),
      'gpu.utilisation': (params) => service.utilisation(params),
      'gpu.heatmap': (params) => service.heatmap(params),
      'gpu.idle': (params) => service.idle(params),
      'gpu.prices.list': () => service.prices.list(),
      'gpu.prices.save': ({ prices }) => pricesChanged(service.prices.save(prices)),
      'gpu.prices.remove': ({ instanceTypes }) => pricesChanged(service.prices.remove(instanceTypes)),
      'gpu.prices.reset': () => pricesChanged(service.prices.reset()),
      'gpu.local': () => service.local(),
    },
    endSession: () => {},
    close: () => service.close(),
  };
}
