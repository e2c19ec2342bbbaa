/**
 * The rules' data sources from the other areas' services: idle GPUs from the
 * GPU area, daily costs through the spend area's cache, GPU nodes through the
 * shared kube access. Service functions, never the RPC layer.
 */
import { GpuIdleParams } from '../../../shared/contract';
import type { GpuService } from '../gpu/gpuService';
import type { KubeAccess } from '../kube/client/kubeAccess';
import type { SpendService } from '../spend/spendService';
import type { AlertSources } from './alertRules';
import { gpuNodeSource } from './gpuNodeConditions';

/** What the sources are read from. */
export interface AlertSourceServices {
  gpu: Pick<GpuService, 'idle'>;
  spend: Pick<SpendService, 'costs'>;
  access: Pick<KubeAccess, 'config'>;
}

/** The evaluator's sources over the areas' services. */
export function alertSources({ gpu, spend, access }: AlertSourceServices): AlertSources {
  return {
    idleGpus: (params) => gpu.idle(GpuIdleParams.parse(params)),
    // Never `refresh`: a cached answer younger than its TTL is used, so evaluating every few minutes bills at most one request per TTL.
    dailyCosts: ({ connectionId, start, end }) => spend.costs({ connectionId, start, end, granularity: 'DAILY', metric: 'UnblendedCost' }),
    gpuNodes: gpuNodeSource(access),
  };
}
