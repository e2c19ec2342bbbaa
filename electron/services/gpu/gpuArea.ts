import { gpuContract } from '../../../shared/contract';
import { AppError } from '../../../shared/result';
import type { ServiceArea } from '../app/serviceArea';
import type { ConnectionService } from '../connections/connectionService';
import { createParsePool, type ParsePoolOptions, type ParsePurpose } from '../connections/parsePool';
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
  /** The spend area's service: the EC2 GPU bill beside allocated GPU cost. */
  spend?: GpuServiceDeps['spend'];
  /** Tells every window when the price table changes. */
  hub: Pick<EventHub, 'publish'>;
  log: Logger;
  /** This machine's GPUs: nvidia-smi's reader. */
  readLocalGpus: GpuServiceDeps['readLocalGpus'];
  /** Test seams: Prometheus clients, the cluster lister, the clock. */
  testing?: Pick<GpuServiceDeps, 'prometheus' | 'listCluster' | 'now'>;
  /** Limits of the workers that read large Prometheus answers; the defaults suit the app. */
  parsing?: Omit<ParsePoolOptions, 'purpose'>;
}

/** The parses the GPU area runs: Prometheus answers of up to hundreds of MB. */
const ANSWER_PARSES: ParsePurpose = {
  // Parsed, an answer takes ~7 times its size (a 78 MB one fits in 512 MB, 130 MB does not): this reads one at the size cap (256 MiB).
  maxHeapMb: 2048,
  name: 'Prometheus answer parse',
  busy: (inHand) => new AppError('BUSY', `Pilothouse is already reading ${inHand} large Prometheus answers; try again when they finish`),
  tooLarge: (mb) => new AppError('VALIDATION', `Reading this Prometheus answer took more than ${mb} MB of memory, so Pilothouse stopped: ask for fewer series, a shorter range or a larger step`),
};

/**
 * The GPUs area: inventory of who holds which GPUs, utilisation and a heatmap
 * from dcgm-exporter's metrics, idle GPUs and their cost, the price table, and
 * this machine's GPUs. It holds nothing open between calls but a few seconds'
 * cache of each cluster's listing, and the worker threads that read large
 * Prometheus answers (started on the first, ended when idle or on close).
 */
export function createGpuArea(deps: GpuAreaDeps): ServiceArea<typeof gpuContract> & { service: GpuService } {
  const parser = createParsePool(deps.log, { ...deps.parsing, purpose: ANSWER_PARSES });
  const service = createGpuService({
    db: deps.db,
    access: deps.access,
    connections: deps.connections,
    log: deps.log,
    readLocalGpus: deps.readLocalGpus,
    readAnswer: (job, signal) => parser.run(job, signal),
    spend: deps.spend,
    ...deps.testing,
  });
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
      'gpu.cost': (params) => service.cost(params),
      'gpu.prices.list': () => service.prices.list(),
      'gpu.prices.save': ({ prices }) => pricesChanged(service.prices.save(prices)),
      'gpu.prices.remove': ({ instanceTypes }) => pricesChanged(service.prices.remove(instanceTypes)),
      'gpu.prices.reset': () => pricesChanged(service.prices.reset()),
      'gpu.local': () => service.local(),
    },
    endSession: () => {},
    close: () => {
      service.close();
      return parser.close();
    },
  };
}
